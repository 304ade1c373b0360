#include "map_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>

namespace dsn {

namespace {

struct Mapping {
  void* addr;
  size_t len;
};

void unmap(napi_env, void*, void* hint) {
  Mapping* m = static_cast<Mapping*>(hint);
  munmap(m->addr, m->len);
  delete m;
}

[[noreturn]] void fail(Napi::Env env, const std::string& path, const char* what, int err) {
  throw Napi::Error::New(env, "mapFile: cannot " + std::string(what) + " '" + path + "': " + std::strerror(err));
}

// Optional non-negative integer argument (undefined → fallback).
int64_t optionalInt(const Napi::CallbackInfo& info, size_t i, const char* what, int64_t fallback) {
  if (info.Length() <= i || info[i].IsUndefined()) return fallback;
  const double d = info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0) || d != std::floor(d) || d > 9007199254740991.0)
    throw Napi::TypeError::New(info.Env(), std::string("mapFile: ") + what + " must be a non-negative integer");
  return (int64_t)d;
}

}  // namespace

// mapFile(path, offset = 0, length = rest of file, maxLength = 2^32): maps [offset, offset+length).
Napi::Value MapFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "mapFile: path must be a string");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const int64_t offset = optionalInt(info, 1, "offset", 0);
  const int64_t maxLength = optionalInt(info, 3, "maxLength", int64_t(1) << 32);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(env, path, "open", errno);
  struct stat st;
  if (fstat(fd, &st) != 0) { const int e = errno; close(fd); fail(env, path, "stat", e); }
  if (!S_ISREG(st.st_mode)) { close(fd); throw Napi::Error::New(env, "mapFile: '" + path + "' is not a regular file"); }
  const int64_t size = st.st_size;
  int64_t length;
  try {
    length = optionalInt(info, 2, "length", size - offset);
  } catch (...) { close(fd); throw; }
  if (offset > size || length > size - offset) {
    close(fd);
    throw Napi::RangeError::New(env, "mapFile: bytes [" + std::to_string(offset) + ", " + std::to_string(offset + length) +
                                         ") lie outside '" + path + "' (" + std::to_string(size) + " bytes)");
  }
  if (length > maxLength) {
    close(fd);
    throw Napi::RangeError::New(env, "mapFile: cannot map " + std::to_string(length) + " bytes of '" + path +
                                         "' as one Uint8Array (this runtime's limit is " + std::to_string(maxLength) +
                                         " bytes); map it in parts with mapFileRange");
  }
  if (length == 0) {
    close(fd);
    return Napi::Uint8Array::New(env, 0);
  }
  // mmap needs a page-aligned file offset: map from the page start and view past the slack.
  const int64_t page = sysconf(_SC_PAGESIZE);
  const int64_t start = offset / page * page, slack = offset - start;
  const size_t mapLen = (size_t)(length + slack);
  void* addr = mmap(nullptr, mapLen, PROT_READ, MAP_SHARED, fd, start);
  const int mapErr = errno;
  close(fd);  // the mapping keeps the file referenced
  if (addr == MAP_FAILED) fail(env, path, "mmap", mapErr);

  auto* m = new Mapping{addr, mapLen};
  napi_value ab;
  napi_status status = napi_create_external_arraybuffer(env, addr, mapLen, unmap, m, &ab);
  if (status == napi_no_external_buffers_allowed) {
    // Runtimes with a V8 memory cage (Electron) forbid external memory: fall back to a copy.
    void* copy = nullptr;
    status = napi_create_arraybuffer(env, (size_t)length, &copy, &ab);
    if (status == napi_ok) std::memcpy(copy, (uint8_t*)addr + slack, (size_t)length);
    munmap(addr, mapLen);
    delete m;
    if (status != napi_ok) throw Napi::Error::New(env, "mapFile: cannot allocate " + std::to_string(length) + " bytes to copy '" + path + "'");
    return Napi::Uint8Array::New(env, (size_t)length, Napi::ArrayBuffer(env, ab), 0);
  }
  if (status != napi_ok) {
    munmap(addr, mapLen);
    delete m;
    throw Napi::Error::New(env, "mapFile: cannot wrap the mapping of '" + path + "' in an ArrayBuffer");
  }
  return Napi::Uint8Array::New(env, (size_t)length, Napi::ArrayBuffer(env, ab), (size_t)slack);
}

}  // namespace dsn
