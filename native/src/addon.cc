// N-API surface of the addon: argument validation (TypeError with a clear message instead of
// a crash) and splitting each kernel call over the thread pool.
#include <napi.h>

#include <cmath>
#include <string>
#include <vector>

#include "dispatch.h"
#include "map_file.h"

namespace dsn {
namespace {

struct F32 {
  float* p;
  int64_t n;
};

[[noreturn]] void typeError(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }

F32 f32Arg(const Napi::Value& v, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    typeError(v.Env(), what + " must be a Float32Array");
  auto a = v.As<Napi::Float32Array>();
  return {a.Data(), (int64_t)a.ElementLength()};
}

int64_t intArg(const Napi::Value& v, const std::string& what, int64_t min) {
  if (!v.IsNumber()) typeError(v.Env(), what + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d) || d < (double)min || d > 9007199254740991.0)
    typeError(v.Env(), what + " must be an integer >= " + std::to_string(min) + " (got " + v.ToString().Utf8Value() + ")");
  return (int64_t)d;
}

float numArg(const Napi::Value& v, const std::string& what) {
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue()))
    typeError(v.Env(), what + " must be a finite number");
  return (float)v.As<Napi::Number>().DoubleValue();
}

void needArgs(const Napi::CallbackInfo& info, size_t n, const char* fn) {
  if (info.Length() < n) typeError(info.Env(), std::string(fn) + ": expected " + std::to_string(n) + " arguments");
}

// Elements a strided buffer must hold: last index touched + 1.
void needLen(Napi::Env env, const F32& a, int64_t need, const std::string& what) {
  if (a.n < need)
    typeError(env, what + " is too short: length " + std::to_string(a.n) + ", shape needs " + std::to_string(need));
}

bool overlaps(const F32& a, const F32& b) { return a.p < b.p + b.n && b.p < a.p + a.n; }

// Work (≈ multiply-adds) below which waking other threads costs more than it saves: one
// core does ~2^20 in ~40 µs, while a hand-off costs from a few µs (spinning workers) to far
// more (sleeping or preempted ones).
constexpr int64_t kParallelWork = 1 << 20;

int threadsFor(int64_t work) { return work < kParallelWork ? 1 : threadCount(); }

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 4, "matmul");
  const F32 out = f32Arg(info[0], "matmul: out"), x = f32Arg(info[1], "matmul: x");
  const int64_t m = intArg(info[2], "matmul: m", 1);
  if (!info[3].IsObject()) typeError(env, "matmul: w must be a Weight object");
  Napi::Object w = info[3].As<Napi::Object>();
  const Napi::Value dt = w.Get("dtype");
  const std::string dtype = dt.IsString() ? dt.As<Napi::String>().Utf8Value() : "";
  MatmulArgs a{};
  int bytes;
  if (dtype == "f32") { a.dtype = kF32; bytes = 4; }
  else if (dtype == "bf16") { a.dtype = kBF16; bytes = 2; }
  else if (dtype == "f16") { a.dtype = kF16; bytes = 2; }
  else if (dtype == "f8_e4m3") { a.dtype = kF8E4M3; bytes = 1; }
  else typeError(env, "matmul: w.dtype must be one of f32, bf16, f16, f8_e4m3 (got " + w.Get("dtype").ToString().Utf8Value() + ")");
  a.N = intArg(w.Get("rows"), "matmul: w.rows", 1);
  a.K = intArg(w.Get("cols"), "matmul: w.cols", 1);
  const Napi::Value data = w.Get("data");
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    typeError(env, "matmul: w.data must be a Uint8Array");
  auto bytesArr = data.As<Napi::Uint8Array>();
  if ((int64_t)bytesArr.ByteLength() != a.N * a.K * bytes)
    typeError(env, "matmul: w.data has " + std::to_string(bytesArr.ByteLength()) + " bytes but a " + dtype + " [" +
                       std::to_string(a.N) + ", " + std::to_string(a.K) + "] weight needs " + std::to_string(a.N * a.K * bytes));
  a.w = bytesArr.Data();
  if (a.dtype == kF8E4M3) {
    const Napi::Value sv = w.Get("scales");
    if (sv.IsUndefined()) typeError(env, "matmul: f8_e4m3 weight needs w.scales");
    const F32 s = f32Arg(sv, "matmul: w.scales");
    a.scaleCols = (a.K + 127) / 128;
    const int64_t need = (a.N + 127) / 128 * a.scaleCols;
    if (s.n != need)
      typeError(env, "matmul: w.scales has " + std::to_string(s.n) + " elements, [" + std::to_string(a.N) + ", " +
                         std::to_string(a.K) + "] needs " + std::to_string(need) + " (one per 128x128 block)");
    a.scales = s.p;
  }
  needLen(env, x, m * a.K, "matmul: x");
  needLen(env, out, m * a.N, "matmul: out");
  if (overlaps(out, x)) typeError(env, "matmul: out must not overlap x");
  a.out = out.p;
  a.x = x.p;
  a.m = m;
  const IsaKernels& k = activeKernels();
  parallel(a.N, 16, threadsFor(m * a.N * a.K), [&](int, int64_t b, int64_t e) { k.matmul(a, b, e); });
  return env.Undefined();
}

Napi::Value Rmsnorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 5, "rmsnorm");
  const F32 out = f32Arg(info[0], "rmsnorm: out"), x = f32Arg(info[1], "rmsnorm: x"), w = f32Arg(info[2], "rmsnorm: weight");
  const int64_t rows = intArg(info[3], "rmsnorm: rows", 0);
  const float eps = numArg(info[4], "rmsnorm: eps");
  if (w.n == 0) typeError(env, "rmsnorm: weight must not be empty");
  needLen(env, x, rows * w.n, "rmsnorm: x");
  needLen(env, out, rows * w.n, "rmsnorm: out");
  if (out.p != x.p && overlaps(out, x)) typeError(env, "rmsnorm: out must be x itself or not overlap it");
  const IsaKernels& k = activeKernels();
  parallel(rows, 1, threadsFor(rows * w.n * 4), [&](int, int64_t b, int64_t e) { k.rmsnorm(out.p, x.p, w.p, w.n, eps, b, e); });
  return env.Undefined();
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 3, "softmax");
  const F32 x = f32Arg(info[0], "softmax: x");
  const int64_t rows = intArg(info[1], "softmax: rows", 0), cols = intArg(info[2], "softmax: cols", 1);
  needLen(env, x, rows * cols, "softmax: x");
  const IsaKernels& k = activeKernels();
  parallel(rows, 1, threadsFor(rows * cols * 16), [&](int, int64_t b, int64_t e) { k.softmax(x.p, cols, b, e); });
  return env.Undefined();
}

Napi::Value Rope(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 9, "rope");
  const F32 x = f32Arg(info[0], "rope: x");
  const int64_t tokens = intArg(info[1], "rope: tokens", 0), heads = intArg(info[2], "rope: nHeads", 0);
  const int64_t ts = intArg(info[3], "rope: tokenStride", 0), hs = intArg(info[4], "rope: headStride", 0);
  const int64_t off = intArg(info[5], "rope: offset", 0), dim = intArg(info[6], "rope: ropeDim", 0);
  const F32 cs = f32Arg(info[7], "rope: cos"), sn = f32Arg(info[8], "rope: sin");
  if (dim % 2) typeError(env, "rope: ropeDim must be even (got " + std::to_string(dim) + ")");
  if (tokens == 0 || heads == 0 || dim == 0) return env.Undefined();
  const int64_t half = dim / 2;
  needLen(env, x, (tokens - 1) * ts + (heads - 1) * hs + off + dim, "rope: x");
  needLen(env, cs, tokens * half, "rope: cos");
  needLen(env, sn, tokens * half, "rope: sin");
  if (overlaps(x, cs) || overlaps(x, sn)) typeError(env, "rope: x must not overlap cos or sin");
  const IsaKernels& k = activeKernels();
  parallel(tokens, 1, threadsFor(tokens * heads * dim * 2), [&](int, int64_t b, int64_t e) {
    k.rope(x.p, heads, ts, hs, off, dim, cs.p, sn.p, b, e);
  });
  return env.Undefined();
}

Napi::Value SiluMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 4, "siluMul");
  const F32 out = f32Arg(info[0], "siluMul: out"), g = f32Arg(info[1], "siluMul: gate"), u = f32Arg(info[2], "siluMul: up");
  const int64_t n = intArg(info[3], "siluMul: n", 0);
  needLen(env, out, n, "siluMul: out");
  needLen(env, g, n, "siluMul: gate");
  needLen(env, u, n, "siluMul: up");
  if ((out.p != g.p && overlaps(out, g)) || (out.p != u.p && overlaps(out, u)))
    typeError(env, "siluMul: out must be gate/up itself or not overlap them");
  const IsaKernels& k = activeKernels();
  parallel(n, 64, threadsFor(n * 16), [&](int, int64_t b, int64_t e) { k.siluMul(out.p, g.p, u.p, b, e); });
  return env.Undefined();
}

Napi::Value Axpy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 4, "axpy");
  const F32 y = f32Arg(info[0], "axpy: y"), x = f32Arg(info[1], "axpy: x");
  const float alpha = numArg(info[2], "axpy: alpha");
  const int64_t n = intArg(info[3], "axpy: n", 0);
  needLen(env, y, n, "axpy: y");
  needLen(env, x, n, "axpy: x");
  const IsaKernels& k = activeKernels();
  parallel(n, 64, threadsFor(n * 2), [&](int, int64_t b, int64_t e) { k.axpy(y.p, x.p, alpha, b, e); });
  return env.Undefined();
}

Napi::Value Attention(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 5, "attention");
  const F32 out = f32Arg(info[0], "attention: out"), q = f32Arg(info[1], "attention: q");
  const F32 k = f32Arg(info[2], "attention: k"), v = f32Arg(info[3], "attention: v");
  if (!info[4].IsObject()) typeError(env, "attention: shape must be an AttentionShape object");
  Napi::Object s = info[4].As<Napi::Object>();
  auto field = [&](const char* name, int64_t min) { return intArg(s.Get(name), std::string("attention: shape.") + name, min); };
  AttnArgs a{};
  a.tq = field("tq", 0); a.tk = field("tk", 1);
  a.nHeads = field("nHeads", 1); a.nKvHeads = field("nKvHeads", 1);
  a.dk = field("dk", 1); a.dv = field("dv", 1); a.pastLen = field("pastLen", 0);
  a.scale = numArg(s.Get("scale"), "attention: shape.scale");
  a.qT = field("qTokenStride", 0); a.qH = field("qHeadStride", 0);
  a.kT = field("kTokenStride", 0); a.kH = field("kHeadStride", 0);
  a.vT = field("vTokenStride", 0); a.vH = field("vHeadStride", 0);
  a.oT = field("oTokenStride", 0); a.oH = field("oHeadStride", 0);
  if (a.nHeads % a.nKvHeads)
    typeError(env, "attention: nHeads (" + std::to_string(a.nHeads) + ") must be a multiple of nKvHeads (" + std::to_string(a.nKvHeads) + ")");
  if (a.tq == 0) return env.Undefined();
  needLen(env, q, (a.tq - 1) * a.qT + (a.nHeads - 1) * a.qH + a.dk, "attention: q");
  needLen(env, k, (a.tk - 1) * a.kT + (a.nKvHeads - 1) * a.kH + a.dk, "attention: k");
  needLen(env, v, (a.tk - 1) * a.vT + (a.nKvHeads - 1) * a.vH + a.dv, "attention: v");
  needLen(env, out, (a.tq - 1) * a.oT + (a.nHeads - 1) * a.oH + a.dv, "attention: out");
  if (overlaps(out, q) || overlaps(out, k) || overlaps(out, v)) typeError(env, "attention: out must not overlap q, k or v");
  a.out = out.p; a.q = q.p; a.k = k.p; a.v = v.p;
  const IsaKernels& kern = activeKernels();
  const int64_t group = a.nHeads / a.nKvHeads;
  a.headChunk = group < 16 ? group : 16;  // 16 query vectors (≤ 16·dk floats) stay in L1/L2
  const int64_t chunks = (group + a.headChunk - 1) / a.headChunk;
  const int64_t items = a.tq * a.nKvHeads * chunks;
  const int64_t keys = a.pastLen + a.tq < a.tk ? a.pastLen + a.tq : a.tk;
  const int64_t scratch = a.headChunk * a.tk;
  parallel(items, 1, threadsFor(a.nHeads * a.tq * keys * (a.dk + a.dv)), [&](int, int64_t b, int64_t e) {
    thread_local std::vector<float> scores;  // per-thread scratch, reused across calls
    if ((int64_t)scores.size() < scratch) scores.resize(scratch);
    kern.attention(a, b, e, scores.data());
  });
  return env.Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  needArgs(info, 1, "setThreads");
  const int64_t n = intArg(info[0], "setThreads: n", 1);
  if (n > 1024) typeError(info.Env(), "setThreads: n must be at most 1024");
  setThreadCount((int)n);
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), threadCount()); }

Napi::Value SupportedIsas(const Napi::CallbackInfo& info) {
  const auto isas = supportedIsas();
  Napi::Array out = Napi::Array::New(info.Env(), isas.size());
  for (size_t i = 0; i < isas.size(); ++i) out.Set((uint32_t)i, isas[i]);
  return out;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  try {
    exports.Set("isa", activeKernels().name);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  exports.Set("supportedIsas", Napi::Function::New(env, SupportedIsas));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("matmul", Napi::Function::New(env, Matmul));
  exports.Set("rmsnorm", Napi::Function::New(env, Rmsnorm));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("rope", Napi::Function::New(env, Rope));
  exports.Set("siluMul", Napi::Function::New(env, SiluMul));
  exports.Set("axpy", Napi::Function::New(env, Axpy));
  exports.Set("attention", Napi::Function::New(env, Attention));
  exports.Set("mapFile", Napi::Function::New(env, MapFile));
  return exports;
}

}  // namespace dsn

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return dsn::Init(env, exports); }

NODE_API_MODULE(deepseek_native, InitModule)
