// mapFile(path): a whole file as a read-only, zero-copy memory-mapped Uint8Array.
#pragma once
#include <napi.h>

namespace dsn {
Napi::Value MapFile(const Napi::CallbackInfo& info);
}
