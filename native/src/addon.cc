// N-API surface of the addon: argument validation (TypeError with a clear message instead of
// a crash) and splitting each kernel call over the thread pool.
#include <napi.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
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

Napi::Uint8Array u8Arg(const Napi::Value& v, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    typeError(v.Env(), what + " must be a Uint8Array");
  return v.As<Napi::Uint8Array>();
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

// Whether an fp8 weight has no NaN codes. Checkpoints have none, so the answer is found once per Weight object
// (a scan of its bytes on first use) and kept on it as `nanFree`, which then spares every later call the scan.
bool fp8NanFree(Napi::Object w, const uint8_t* p, int64_t n) {
  const Napi::Value known = w.Get("nanFree");
  if (known.IsBoolean()) return known.As<Napi::Boolean>().Value();
  uint8_t bad = 0;
  for (int64_t i = 0; i < n; ++i) bad |= (uint8_t)((p[i] | 0x80) == 0xff);
  try {
    w.Set("nanFree", bad == 0);
  } catch (const Napi::Error&) {  // a frozen object: scan again next time
  }
  return bad == 0;
}

// Reads a JS Weight into MatmulArgs (w, dtype, N, K, scales); errors say "<where>: <name>...".
MatmulArgs parseWeight(Napi::Env env, const Napi::Value& v, const std::string& where, const std::string& name) {
  const std::string fn = where + ": " + name;
  if (!v.IsObject()) typeError(env, fn + " must be a Weight object");
  Napi::Object w = v.As<Napi::Object>();
  const Napi::Value dt = w.Get("dtype");
  const std::string dtype = dt.IsString() ? dt.As<Napi::String>().Utf8Value() : "";
  MatmulArgs a{};
  if (dtype == "f32") a.dtype = kF32;
  else if (dtype == "bf16") a.dtype = kBF16;
  else if (dtype == "f16") a.dtype = kF16;
  else if (dtype == "f8_e4m3") a.dtype = kF8E4M3;
  else if (dtype == "q8_0") a.dtype = kQ8;
  else if (dtype == "q4_0") a.dtype = kQ4;
  else typeError(env, fn + ".dtype must be one of f32, bf16, f16, f8_e4m3, q8_0, q4_0 (got " + w.Get("dtype").ToString().Utf8Value() + ")");
  a.N = intArg(w.Get("rows"), fn + ".rows", 1);
  a.K = intArg(w.Get("cols"), fn + ".cols", 1);
  const bool blockQuant = a.dtype == kQ8 || a.dtype == kQ4;
  if (blockQuant && a.K % 32)
    typeError(env, fn + ": a " + dtype + " weight needs cols divisible by 32 (got " + std::to_string(a.K) + ")");
  auto bytesArr = u8Arg(w.Get("data"), fn + ".data");
  const int64_t wantBytes = a.N * weightRowBytes(a.dtype, a.K);
  if ((int64_t)bytesArr.ByteLength() != wantBytes)
    typeError(env, fn + ".data has " + std::to_string(bytesArr.ByteLength()) + " bytes but a " + dtype + " [" +
                       std::to_string(a.N) + ", " + std::to_string(a.K) + "] weight needs " + std::to_string(wantBytes));
  a.w = bytesArr.Data();
  if (blockQuant && !w.Get("scales").IsUndefined())
    typeError(env, fn + ": a " + dtype + " weight holds its scales inside data (native/block-quant.ts), not in .scales");
  if (a.dtype == kF8E4M3) {
    const Napi::Value sv = w.Get("scales");
    if (sv.IsUndefined()) typeError(env, where + ": " + dtype + " weight needs " + name + ".scales");
    const F32 s = f32Arg(sv, fn + ".scales");
    a.scaleCols = (a.K + 127) / 128;
    const int64_t need = (a.N + 127) / 128 * a.scaleCols;
    if (s.n != need)
      typeError(env, fn + ".scales has " + std::to_string(s.n) + " elements, [" + std::to_string(a.N) + ", " +
                         std::to_string(a.K) + "] needs " + std::to_string(need) + " (one per 128x128 block)");
    a.scales = s.p;
  }
  if (a.dtype == kF8E4M3) a.nanFree = fp8NanFree(w, a.w, wantBytes);
  return a;
}

// A Weight's parsed form, kept with the object after its first use (napi_wrap: a private slot that spreads,
// Object.assign and objects inheriting from a Weight do not carry): reading a Weight's fields through N-API
// costs ~1-2 µs, and a token passes ~90 Weights. It is used only while `data` (and fp8 `scales`) are still typed
// arrays over exactly the memory it points into, so a replaced, detached or shrunk buffer is parsed afresh.
// (api.ts: a used Weight's dtype, rows and cols do not change.)
struct ParsedWeight {
  MatmulArgs args;
  int64_t dataBytes, scaleCount;
};

// Whether v is still a typed array of `type` at exactly p with `bytes` bytes.
bool sameTypedArray(const Napi::Value& v, napi_typedarray_type type, const void* p, int64_t bytes) {
  if (!v.IsTypedArray()) return false;
  const Napi::TypedArray t = v.As<Napi::TypedArray>();
  if (t.TypedArrayType() != type || (int64_t)t.ByteLength() != bytes) return false;
  return (const uint8_t*)t.ArrayBuffer().Data() + t.ByteOffset() == p;
}

MatmulArgs weightArg(Napi::Env env, const Napi::Value& v, const char* where, const char* name, int64_t index = -1) {
  ParsedWeight* kept = nullptr;
  if (v.IsObject()) {
    void* p = nullptr;
    if (napi_unwrap(env, v, &p) == napi_ok && p) {
      kept = static_cast<ParsedWeight*>(p);
      Napi::Object w = v.As<Napi::Object>();
      if (sameTypedArray(w.Get("data"), napi_uint8_array, kept->args.w, kept->dataBytes) &&
          (kept->args.dtype != kF8E4M3 || sameTypedArray(w.Get("scales"), napi_float32_array, kept->args.scales, 4 * kept->scaleCount)))
        return kept->args;
    }
  }
  const MatmulArgs a = parseWeight(env, v, where, std::string(name) + (index >= 0 ? "[" + std::to_string(index) + "]" : ""));
  const ParsedWeight parsed{a, a.N * weightRowBytes(a.dtype, a.K), a.dtype == kF8E4M3 ? (a.N + 127) / 128 * a.scaleCols : 0};
  if (kept) {  // new arrays on a used Weight: its slot now describes them
    *kept = parsed;
    return a;
  }
  auto owned = std::make_unique<ParsedWeight>(parsed);
  if (napi_wrap(env, v, owned.get(), [](napi_env, void* q, void*) { delete static_cast<ParsedWeight*>(q); }, nullptr, nullptr) == napi_ok)
    owned.release();  // the object owns it now
  else {  // a frozen object, or one wrapped by another addon: parse it again next time
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  return a;
}

bool isBlockQuant(DType t) { return t == kQ8 || t == kQ4; }

// Inputs prepared once per call for the weights that need them, shared by weights with the same input:
// activations quantized for q8_0 / q4_0 (act_quant.h).
class PreparedInputs {
 public:
  PreparedInputs() : slots_(busy() ? own_ : threadSlots()), claimed_(!busy()) {
    if (claimed_) busy() = true;
  }
  ~PreparedInputs() {
    if (claimed_) busy() = false;
  }
  PreparedInputs(const PreparedInputs&) = delete;
  PreparedInputs& operator=(const PreparedInputs&) = delete;

  void attach(MatmulArgs& a) {
    if (!isBlockQuant(a.dtype)) return;  // one layout serves q8 and q4 weights
    for (size_t i = 0; i < used_; ++i)
      if (slots_[i].holds(a)) return slots_[i].attach(a);
    if (used_ == slots_.size()) slots_.emplace_back();
    Quantized& q = slots_[used_++];
    q.quantize(a.x, a.m, a.K);
    q.attach(a);
  }

 private:
  struct Quantized {
    const float* x = nullptr;
    int64_t m = 0, K = 0;
    std::vector<int8_t> q;
    std::vector<float> d;
    std::vector<int32_t> sums;
    bool holds(const MatmulArgs& a) const { return x == a.x && m == a.m && K == a.K; }
    void quantize(const float* x_, int64_t m_, int64_t K_) {
      x = x_, m = m_, K = K_;
      fit(q, m * K), fit(d, m * K / 32), fit(sums, m * K / 32);
      const IsaKernels& k = activeKernels();
      parallel(m, 1, threadsFor(m * K * 8), [&](int, int64_t b, int64_t e) {
        k.quantizeActs(x, K, q.data(), d.data(), sums.data(), b, e);
      });
    }
    // At least n elements; a buffer left far larger by an earlier call (a long prefill) is given back.
    template <typename T>
    static void fit(std::vector<T>& v, int64_t n) {
      if ((int64_t)v.size() < n || ((int64_t)v.size() > 4 * n && v.size() * sizeof(T) > (1u << 20))) std::vector<T>(n).swap(v);
    }
    void attach(MatmulArgs& a) const {
      a.xq = q.data();
      a.xd = d.data();
      a.xs = sums.data();
    }
  };
  // The buffers stay allocated across calls (one set per JS thread; a deque, so that adding a slot moves none
  // of the others): allocating them afresh cost a decoding MoE call, which quantizes 8 inputs, ~60 µs.
  static std::deque<Quantized>& threadSlots() {
    thread_local std::deque<Quantized> slots;
    return slots;
  }
  static bool& busy() {  // whether this thread's slots are in use (a nested PreparedInputs gets its own)
    thread_local bool b = false;
    return b;
  }
  std::deque<Quantized> own_;
  std::deque<Quantized>& slots_;
  const bool claimed_;
  size_t used_ = 0;
};

// Runs row ranges of several weights' matmuls split over the pool: the rows of all of them, concatenated,
// are divided among the threads, and a thread's range may span the end of one weight and the start of the next.
// Each thread reads a contiguous range (see parallelRanges), and its prefetches run on past the end of each
// piece into the rows it reads next, so its stream does not drain between pieces or weights.
void matmulRows(const std::vector<MatmulArgs>& ws, int threads) {
  std::vector<int64_t> start(ws.size() + 1, 0);
  for (size_t j = 0; j < ws.size(); ++j) start[j + 1] = start[j] + ws[j].N;
  const IsaKernels& k = activeKernels();
  parallelContiguous(start.back(), 16, threads, [&](int, int64_t b, int64_t e, int64_t ahead) {
    for (size_t j = 0; j < ws.size(); ++j) {
      const int64_t lo = std::max(b, start[j]), hi = std::min(e, start[j + 1]);
      if (lo >= hi) continue;
      MatmulArgs a = ws[j];
      // The rows after this part that the thread reads next: the rest of this weight, or the next weight's first.
      const int64_t nextEnd = std::max(e, ahead);
      if (hi < nextEnd) {
        const size_t jn = hi < start[j + 1] ? j : j + 1;
        if (jn < ws.size()) {
          const MatmulArgs& next = ws[jn];
          const int64_t rb = weightRowBytes(next.dtype, next.K);
          a.pfNext = next.w + (hi - start[jn]) * rb;
          a.pfNextBytes = (std::min(nextEnd, start[jn + 1]) - hi) * rb;
        }
      }
      k.matmul(a, lo - start[j], hi - start[j]);
    }
  });
}

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 4, "matmul");
  const F32 out = f32Arg(info[0], "matmul: out"), x = f32Arg(info[1], "matmul: x");
  const int64_t m = intArg(info[2], "matmul: m", 1);
  MatmulArgs a = weightArg(env, info[3], "matmul", "w");
  needLen(env, x, m * a.K, "matmul: x");
  needLen(env, out, m * a.N, "matmul: out");
  if (overlaps(out, x)) typeError(env, "matmul: out must not overlap x");
  a.out = out.p;
  a.x = x.p;
  a.m = m;
  PreparedInputs prepared;
  prepared.attach(a);
  matmulRows({a}, threadsFor(m * a.N * a.K));
  return env.Undefined();
}

// matmulBatch(outs, xs, m, ws): outs[j] = xs[j] · ws[j]ᵀ for every j, one hand-off to the pool.
Napi::Value MatmulBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 4, "matmulBatch");
  for (int i : {0, 1, 3})
    if (!info[i].IsArray()) typeError(env, "matmulBatch: outs, xs and ws must be arrays");
  Napi::Array oa = info[0].As<Napi::Array>(), xa = info[1].As<Napi::Array>(), wa = info[3].As<Napi::Array>();
  const int64_t m = intArg(info[2], "matmulBatch: m", 1);
  const uint32_t E = wa.Length();
  if (oa.Length() != E || xa.Length() != E) typeError(env, "matmulBatch: outs, xs and ws must have the same length");
  std::vector<MatmulArgs> ws(E);
  std::vector<F32> outs(E);
  int64_t work = 0;
  for (uint32_t j = 0; j < E; ++j) {
    const std::string at = "[" + std::to_string(j) + "]";
    MatmulArgs& a = ws[j];
    a = weightArg(env, wa.Get(j), "matmulBatch", "ws", j);
    const F32 x = f32Arg(xa.Get(j), "matmulBatch: xs" + at);
    outs[j] = f32Arg(oa.Get(j), "matmulBatch: outs" + at);
    needLen(env, x, m * a.K, "matmulBatch: xs" + at);
    needLen(env, outs[j], m * a.N, "matmulBatch: outs" + at);
    if (overlaps(outs[j], x)) typeError(env, "matmulBatch: outs" + at + " must not overlap xs" + at);
    a.out = outs[j].p;
    a.x = x.p;
    a.m = m;
    work += m * a.N * a.K;
  }
  for (uint32_t j = 0; j < E; ++j)
    for (uint32_t i = 0; i < E; ++i) {
      if (i == j) continue;
      if (overlaps(outs[j], F32{(float*)ws[i].x, m * ws[i].K}))
        typeError(env, "matmulBatch: outs[" + std::to_string(j) + "] overlaps xs[" + std::to_string(i) + "]");
      if (i < j && overlaps(outs[j], F32{ws[i].out, m * ws[i].N}))
        typeError(env, "matmulBatch: outs[" + std::to_string(j) + "] overlaps outs[" + std::to_string(i) + "]");
    }
  PreparedInputs prepared;
  for (MatmulArgs& a : ws) prepared.attach(a);
  matmulRows(ws, threadsFor(work));
  return env.Undefined();
}

// matmulHeads(out, x, w, heads, xStride, outStride): one token through per-head row blocks of one weight
// (see api.ts); one argument parse and one hand-off for all heads.
Napi::Value MatmulHeads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 6, "matmulHeads");
  const F32 out = f32Arg(info[0], "matmulHeads: out"), x = f32Arg(info[1], "matmulHeads: x");
  const MatmulArgs w = weightArg(env, info[2], "matmulHeads", "w");
  const int64_t heads = intArg(info[3], "matmulHeads: heads", 1);
  const int64_t xStride = intArg(info[4], "matmulHeads: xStride", 0), outStride = intArg(info[5], "matmulHeads: outStride", 0);
  if (w.N % heads) typeError(env, "matmulHeads: w.rows (" + std::to_string(w.N) + ") must be a multiple of heads (" + std::to_string(heads) + ")");
  const int64_t r = w.N / heads;
  if (w.dtype == kF8E4M3 && r % 128)
    typeError(env, "matmulHeads: an f8_e4m3 weight needs rows per head (" + std::to_string(r) + ") divisible by 128, so that no scale block spans two heads");
  needLen(env, x, (heads - 1) * xStride + w.K, "matmulHeads: x");
  needLen(env, out, (heads - 1) * outStride + r, "matmulHeads: out");
  if (overlaps(out, x)) typeError(env, "matmulHeads: out must not overlap x");
  if (outStride < r && heads > 1) typeError(env, "matmulHeads: outStride must be at least w.rows / heads");
  const int64_t rowBytes = weightRowBytes(w.dtype, w.K);
  std::vector<MatmulArgs> ws((size_t)heads, w);
  PreparedInputs prepared;
  for (int64_t h = 0; h < heads; ++h) {
    MatmulArgs& a = ws[h];
    a.N = r;
    a.m = 1;
    a.w = w.w + h * r * rowBytes;
    if (w.dtype == kF8E4M3) a.scales = w.scales + (h * r / 128) * w.scaleCols;
    a.x = x.p + h * xStride;
    a.out = out.p + h * outStride;
    prepared.attach(a);
  }
  matmulRows(ws, threadsFor(w.N * w.K));
  return env.Undefined();
}

// The gate, up and down weights of E experts (arrays at info[i0 .. i0+2]), checked to be SwiGLU experts of one
// hidden size: gate/up [I_j, K], down [H, I_j].
void expertArgs(const Napi::CallbackInfo& info, int i0, const char* fn, std::vector<MatmulArgs>& g,
                std::vector<MatmulArgs>& u, std::vector<MatmulArgs>& d) {
  Napi::Env env = info.Env();
  for (int i = i0; i <= i0 + 2; ++i)
    if (!info[i].IsArray()) typeError(env, std::string(fn) + ": gates, ups and downs must be arrays of Weight objects");
  Napi::Array ga = info[i0].As<Napi::Array>(), ua = info[i0 + 1].As<Napi::Array>(), da = info[i0 + 2].As<Napi::Array>();
  const int64_t E = ga.Length();
  if ((int64_t)ua.Length() != E || (int64_t)da.Length() != E) typeError(env, std::string(fn) + ": gates, ups and downs must have the same length");
  if (E == 0) typeError(env, std::string(fn) + ": needs at least one expert");
  g.resize(E), u.resize(E), d.resize(E);
  for (int64_t j = 0; j < E; ++j) {
    g[j] = weightArg(env, ga.Get((uint32_t)j), fn, "gates", j);
    u[j] = weightArg(env, ua.Get((uint32_t)j), fn, "ups", j);
    d[j] = weightArg(env, da.Get((uint32_t)j), fn, "downs", j);
    if (u[j].N != g[j].N || u[j].K != g[j].K || d[j].K != g[j].N || g[j].K != g[0].K || d[j].N != d[0].N)
      typeError(env, std::string(fn) + ": expert " + std::to_string(j) + " has mismatched gate/up/down shapes");
  }
}

// moeTokens(out, x, T, gates, ups, downs, rows, offsets, coef): several tokens through their experts in one
// call. Listed expert j serves the tokens rows[offsets[j] .. offsets[j+1]) with weights coef[offsets[j] ..]:
// out[T, H] = Σ_j Σ_i coef·down_j(silu(gate_j·x_t) ⊙ up_j·x_t). Each expert's tokens are gathered into one
// block of rows; all gate/up rows go through the threads as one run, then all down rows; the results are added
// in the order listed, expert by expert, token by token, with axpy: the sums of per-expert calls then axpy.
Napi::Value MoeTokens(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 9, "moeTokens");
  const F32 out = f32Arg(info[0], "moeTokens: out"), x = f32Arg(info[1], "moeTokens: x");
  const int64_t T = intArg(info[2], "moeTokens: T", 1);
  if (T > INT32_MAX) typeError(env, "moeTokens: T must be below 2^31 (rows are Int32Array token indices)");
  for (int i = 6; i <= 7; ++i)
    if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
      typeError(env, std::string("moeTokens: ") + (i == 6 ? "rows" : "offsets") + " must be an Int32Array");
  const F32 coef = f32Arg(info[8], "moeTokens: coef");
  const Napi::Int32Array rowsA = info[6].As<Napi::Int32Array>(), offA = info[7].As<Napi::Int32Array>();
  std::vector<MatmulArgs> g, u, d;
  expertArgs(info, 3, "moeTokens", g, u, d);
  const int64_t E = (int64_t)g.size();
  if ((int64_t)offA.ElementLength() != E + 1) typeError(env, "moeTokens: offsets must have one entry per expert and one more");
  const int64_t K = g[0].K, H = d[0].N;
  if (T > x.n / K) typeError(env, "moeTokens: x must hold T rows of " + std::to_string(K));
  if (T > out.n / H) typeError(env, "moeTokens: out must hold T rows of " + std::to_string(H));
  if (overlaps(out, x)) typeError(env, "moeTokens: out must not overlap x");
  // Copies, checked once the weights have been read (their getters may run JavaScript) and safe from `out`.
  const std::vector<int32_t> rows(rowsA.Data(), rowsA.Data() + rowsA.ElementLength());
  const std::vector<int32_t> off(offA.Data(), offA.Data() + offA.ElementLength());
  const int64_t pairs = (int64_t)rows.size();
  if (off[0] != 0 || off[E] != pairs || coef.n < pairs) typeError(env, "moeTokens: offsets must run from 0 to rows.length, coef as long as rows");
  for (int64_t j = 0; j < E; ++j)
    if (off[j + 1] < off[j]) typeError(env, "moeTokens: offsets must not decrease");
  const std::vector<float> weight(coef.p, coef.p + pairs);
  for (int64_t i = 0; i < pairs; ++i)
    if (rows[i] < 0 || rows[i] >= T) typeError(env, "moeTokens: rows[" + std::to_string(i) + "] is not a token index below T");
  // Scratch: gathered inputs [pairs, K], gate and up [Σ m_j·I_j], down outputs [pairs, H].
  std::vector<int64_t> hOff(E + 1, 0);
  for (int64_t j = 0; j < E; ++j) hOff[j + 1] = hOff[j] + (off[j + 1] - off[j]) * g[j].N;
  // Kept across calls (per JS thread), as large as the largest call (a 256-token prefill chunk of V2-Lite: ~50 MB):
  // fresh memory of this size is paged in on first write, at ~8 µs per 4 KiB page on a VM, and made prefill ~30%
  // slower. Every element used is written before it is read.
  thread_local std::vector<float> scratch;
  const size_t need = (size_t)(pairs * K + 2 * hOff[E] + pairs * H);
  if (scratch.size() < need) scratch.resize(need);
  float* const xs = scratch.data();
  float* const gate = xs + pairs * K;
  float* const up = gate + hOff[E];
  float* const parts = up + hOff[E];
  PreparedInputs prepared;
  std::vector<MatmulArgs> gateUp, downs;
  int64_t work = 0;
  for (int64_t j = 0; j < E; ++j) {
    const int64_t m = off[j + 1] - off[j];
    if (!m) continue;
    // Tokens r, r+1, … (one token; a shared expert's all) are read where they are: no copy, and their
    // quantized form (q8/q4) is made once for every expert that reads the same rows. Others are gathered.
    bool contiguous = true;
    for (int64_t i = off[j] + 1; i < off[j + 1] && contiguous; ++i) contiguous = rows[i] == rows[i - 1] + 1;
    if (!contiguous)
      for (int64_t i = off[j]; i < off[j + 1]; ++i) std::memcpy(xs + i * K, x.p + rows[i] * K, (size_t)K * sizeof(float));
    g[j].x = u[j].x = contiguous ? x.p + rows[off[j]] * K : xs + off[j] * K;
    g[j].m = u[j].m = d[j].m = m;
    g[j].out = gate + hOff[j];
    u[j].out = up + hOff[j];
    d[j].x = gate + hOff[j];
    d[j].out = parts + off[j] * H;
    work += 3 * m * g[j].N * K;
    prepared.attach(g[j]);
    prepared.attach(u[j]);
    gateUp.push_back(g[j]), gateUp.push_back(u[j]);
    downs.push_back(d[j]);
  }
  const IsaKernels& k = activeKernels();
  const int threads = threadsFor(work);
  matmulRows(gateUp, threads);
  parallel(hOff[E], 64, threadsFor(hOff[E] * 16), [&](int, int64_t b, int64_t e) { k.siluMul(gate, gate, up, b, e); });
  for (MatmulArgs& a : downs) prepared.attach(a);
  matmulRows(downs, threads);
  std::memset(out.p, 0, (size_t)(T * H) * sizeof(float));
  for (int64_t i = 0; i < pairs; ++i) k.axpy(out.p + rows[i] * H, parts + i * H, weight[i], 0, H);
  return env.Undefined();
}

// Exact f16 → f32 (for quantizing f16 checkpoints).
float halfToFloat(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  float v;
  if (exp == 0) v = std::ldexp((float)man, -24);
  else if (exp == 31) v = man ? NAN : INFINITY;
  else v = std::ldexp((float)(man | 0x400), (int)exp - 25);
  return sign ? -v : v;
}

// Asks for transparent huge pages on the whole 2 MiB pages inside [p, p + n) (a hint; errors ignored).
void adviseHugePages(void* p, size_t n) {
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = 2u << 20, b = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + n) & ~(huge - 1);
  if (e > b) madvise((void*)b, e - b, MADV_HUGEPAGE);
#endif
}

// quantize(w, dtype, data): bf16/f16/f32 weight → a q8_0 / q4_0 weight's bytes, per 32 weights a scale and 32
// codes packed as native/block-quant.ts lays them out, rows split over the pool. Arithmetic in double with round-half-up, exactly as the TypeScript
// quantizer (server/engine/quantize.ts) does, so both produce identical bytes.
Napi::Value Quantize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 3, "quantize");
  const MatmulArgs w = weightArg(env, info[0], "quantize", "w");
  if (w.dtype != kF32 && w.dtype != kBF16 && w.dtype != kF16) typeError(env, "quantize: w must be f32, bf16 or f16");
  if (w.K % 32) typeError(env, "quantize: w.cols must be divisible by 32 (got " + std::to_string(w.K) + ")");
  const std::string dt = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  if (dt != "q8_0" && dt != "q4_0") typeError(env, "quantize: dtype must be q8_0 or q4_0");
  const bool q8 = dt == "q8_0";
  auto data = u8Arg(info[2], "quantize: data");
  const DType qt = q8 ? kQ8 : kQ4;
  const int64_t N = w.N, K = w.K, nb = K / 32, rowBytes = weightRowBytes(qt, K);
  if ((int64_t)data.ByteLength() != N * rowBytes)
    typeError(env, "quantize: data has " + std::to_string(data.ByteLength()) + " bytes, the weight needs " + std::to_string(N * rowBytes));
  uint8_t* out = data.Data();
  parallel(N, 1, threadsFor(N * K), [&](int, int64_t r0, int64_t r1) {
    std::vector<float> row((size_t)K);
    int q[32];
    for (int64_t r = r0; r < r1; ++r) {
      const uint8_t* src = w.w + r * K * (w.dtype == kF32 ? 4 : 2);
      for (int64_t c = 0; c < K; ++c) {
        if (w.dtype == kF32) { std::memcpy(&row[c], src + c * 4, 4); }
        else {
          uint16_t h;
          std::memcpy(&h, src + c * 2, 2);
          if (w.dtype == kBF16) { const uint32_t u = (uint32_t)h << 16; std::memcpy(&row[c], &u, 4); }
          else row[c] = halfToFloat(h);
        }
      }
      uint8_t* rowOut = out + r * rowBytes;
      std::memset(rowOut, 0, (size_t)rowBytes);
      for (int64_t b = 0; b < nb; ++b) {
        const float* x = row.data() + b * 32;
        int64_t G;  // block b is lane l of a group of G blocks: G scales, then 4-byte lanes, step s at 4·G·s
        const int64_t l = blockQuantLane(nb, b, &G);
        uint8_t* group = rowOut + (b - l) * blockQuantBlockBytes(qt);
        uint8_t* lane = group + 4 * G + 4 * l;
        float ext = 0;
        for (int i = 0; i < 32; ++i) if (std::fabs(x[i]) > std::fabs(ext)) ext = x[i];
        const double d = q8 ? std::fabs((double)ext) / 127 : (double)ext / -8;
        const double inv = d != 0 ? 1 / d : 0;
        const float scale = (float)d;
        std::memcpy(group + 4 * l, &scale, 4);
        for (int i = 0; i < 32; ++i) {
          const double y = (double)x[i] * inv + 0.5;
          int64_t v = (int64_t)y;  // floor without a libm call (|y| ≤ 128.5 here)
          v -= (double)v > y;
          if (!q8) v = v < -8 ? -8 : v > 7 ? 7 : v;
          q[i] = (int)v;
        }
        if (q8) {
          for (int i = 0; i < 32; ++i) lane[4 * G * (i / 4) + i % 4] = (uint8_t)(q[i] + 128);
        } else {
          for (int j = 0; j < 16; ++j) lane[4 * G * (j / 4) + j % 4] = (uint8_t)((q[j] + 8) | ((q[j + 16] + 8) << 4));
        }
      }
    }
  });
  return env.Undefined();
}

// Memory for weights: a fresh anonymous mapping, 2 MiB-aligned and advised for transparent huge pages before
// anything touches it. (Heap memory from malloc may already be backed by the 4 KiB pages of an earlier, freed
// buffer; madvise does not replace those, and such weights measured 25-40% slower to stream.) The finalizer
// gets the mapping's start and length through its hint.
struct HugeMapping {
  void* base;
  size_t length;
};

// n bytes (n > 0) 2 MiB-aligned, advised for huge pages, untouched; nullptr if the mapping fails.
uint8_t* mapHuge(size_t n, HugeMapping* m) {
  const size_t huge = 2u << 20, cap = (n + huge - 1) / huge * huge;
  void* raw = mmap(nullptr, cap + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const uintptr_t start = ((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1);
  // Give back the unaligned head and the tail beyond cap.
  if (start > (uintptr_t)raw) munmap(raw, start - (uintptr_t)raw);
  const uintptr_t end = (uintptr_t)raw + cap + huge;
  if (end > start + cap) munmap((void*)(start + cap), end - (start + cap));
  adviseHugePages((void*)start, cap);
  m->base = (void*)start;
  m->length = cap;
  return (uint8_t*)start;
}

void unmapHuge(napi_env env, void*, void* hint) {
  HugeMapping* m = static_cast<HugeMapping*>(hint);
  munmap(m->base, m->length);
  int64_t ignored;
  if (env) napi_adjust_external_memory(env, -(int64_t)m->length, &ignored);
  delete m;
}

// n bytes in memory advised for transparent huge pages, filled from src (or zeroed when src is null).
// Runtimes that forbid external memory (Electron's V8 cage) get an ordinary array instead.
Napi::Uint8Array hugePageArray(Napi::Env env, const uint8_t* src, size_t n, const char* fn) {
  if (n == 0) return Napi::Uint8Array::New(env, 0);
  HugeMapping* m = new HugeMapping{};
  uint8_t* p = mapHuge(n, m);
  if (!p) {
    delete m;
    throw Napi::Error::New(env, std::string(fn) + ": out of memory (" + std::to_string(n) + " bytes)");
  }
  if (src) std::memcpy(p, src, n);  // a fresh mapping reads as zeros: nothing to clear otherwise
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, n, unmapHuge, m, &ab) != napi_ok) {
    munmap(m->base, m->length);
    delete m;
    auto copy = Napi::Uint8Array::New(env, n);  // zero-filled
    if (src) std::memcpy(copy.Data(), src, n);
    return copy;
  }
  // Tell V8 what the buffer holds, so that dropping a model's weights triggers a collection that unmaps them.
  int64_t ignored;
  napi_adjust_external_memory(env, (int64_t)m->length, &ignored);
  return Napi::Uint8Array::New(env, n, Napi::ArrayBuffer(env, ab), 0);
}

Napi::Value CopyToHugePages(const Napi::CallbackInfo& info) {
  needArgs(info, 1, "copyToHugePages");
  auto src = u8Arg(info[0], "copyToHugePages: src");
  return hugePageArray(info.Env(), src.Data(), src.ByteLength(), "copyToHugePages");
}

// allocWeightBytes(n): n zero bytes in huge-page memory, for weights made at load time (quantized).
Napi::Value AllocWeightBytes(const Napi::CallbackInfo& info) {
  needArgs(info, 1, "allocWeightBytes");
  const int64_t n = intArg(info[0], "allocWeightBytes: bytes", 0);
  return hugePageArray(info.Env(), nullptr, (size_t)n, "allocWeightBytes");
}

// readBandwidth(bufferBytes, threads, reps): bytes/s of the fastest of `reps` multi-threaded streaming
// sums over a freshly written buffer (make it far larger than the last-level cache). The buffer lives in
// huge pages and the loop prefetches ahead, as the matmul kernels do, so this is the rate the machine can
// really stream at: the limit decode is measured against.
Napi::Value ReadBandwidth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  needArgs(info, 3, "readBandwidth");
  const int64_t bytes = intArg(info[0], "readBandwidth: bufferBytes", 1 << 20) / 4096 * 4096;
  const int threads = (int)intArg(info[1], "readBandwidth: threads", 1);
  const int64_t reps = intArg(info[2], "readBandwidth: reps", 1);
  const int64_t words = bytes / 8;
  HugeMapping mapping{};
  uint64_t* buf = (uint64_t*)mapHuge((size_t)bytes, &mapping);  // as the weights are held
  if (!buf) throw Napi::Error::New(env, "readBandwidth: out of memory");
  struct Unmap {
    HugeMapping& m;
    ~Unmap() { munmap(m.base, m.length); }
  } unmap{mapping};
  for (int64_t i = 0; i < words; ++i) buf[i] = 1;  // written once: every page is resident
  double best = 0;
  std::atomic<uint64_t> sink{0};
  for (int64_t r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    parallel(words, 4096, threads, [&](int, int64_t b, int64_t e) {
      uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const uint64_t* p = buf;
      int64_t i = b;
      for (; i + 8 <= e; i += 8) {
        __builtin_prefetch(p + i + 2048, 0, 2);  // 16 KiB ahead
        s0 += p[i] + p[i + 4]; s1 += p[i + 1] + p[i + 5]; s2 += p[i + 2] + p[i + 6]; s3 += p[i + 3] + p[i + 7];
      }
      for (; i < e; ++i) s0 += p[i];
      sink.fetch_add(s0 + s1 + s2 + s3, std::memory_order_relaxed);
    });
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sec > 0 && (double)bytes / sec > best) best = (double)bytes / sec;
  }
  if (sink.load() != (uint64_t)words * (uint64_t)reps) typeError(env, "readBandwidth: checksum mismatch");
  return Napi::Number::New(env, best);
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

// argmax(x): the index of the first largest value of x (NaNs passed over; 0 when x[0] is NaN or x is empty).
Napi::Value Argmax(const Napi::CallbackInfo& info) {
  needArgs(info, 1, "argmax");
  const F32 x = f32Arg(info[0], "argmax: x");
  return Napi::Number::New(info.Env(), (double)activeKernels().argmax(x.p, x.n));
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
  const int threads = threadsFor(a.nHeads * a.tq * keys * (a.dk + a.dv));
  // Keys token t may see (causal, past the cache's start).
  auto causalKeys = [&](int64_t t) { return a.pastLen + t + 1 < a.tk ? a.pastLen + t + 1 : a.tk; };
  // G query rows from head h0 of token t against keys [0, n) of kv head kvh, in three passes split over the
  // threads: by keys (scores), rows (softmax) and output columns. `mask` may set keys past a row's limit to -inf.
  thread_local std::vector<float> probs;  // [G, n] scores, then weights; reused across calls
  auto splitPasses = [&](int64_t t, int64_t h0, int64_t G, int64_t kvh, int64_t n, auto&& mask) {
    if ((int64_t)probs.size() < G * n) probs.resize((size_t)(G * n));
    float* p = probs.data();
    parallel(n, 16, threads, [&](int, int64_t b, int64_t e) { kern.attnScores(a, t, h0, G, kvh, b, e, p, n); });
    mask(p);
    parallel(G, 1, threadsFor(G * n * 16), [&](int, int64_t b, int64_t e) { kern.softmax(p, n, b, e); });
    parallel(a.dv, 16, threads, [&](int, int64_t b, int64_t e) { kern.attnValues(a, t, h0, G, kvh, n, p, n, b, e); });
  };
  if (a.nKvHeads == 1 && a.qT == a.nHeads * a.qH && a.oT == a.nHeads * a.oH && keys >= 16 && a.tq <= 16) {
    // Decoding or a keystroke's few tokens on one kv head with token-major rows (absorbed MLA): the query rows
    // of the tokens are one flat list, row t·heads + h, so a group of tokens (their scores within ~1 MB) goes
    // through the passes together and each key is read once for all of their rows; a row's keys past its
    // causal limit get -inf (weight 0). Nine tokens after 2048: 17.9 → 14.5 ms for 4 layers (compute-bound
    // now). Longer chunks gained nothing over the items below (64 tokens after 1024: 12 → 14-15 ms).
    const int64_t perGroup = (int64_t(1) << 18) / (a.nHeads * a.tk) > 1 ? (int64_t(1) << 18) / (a.nHeads * a.tk) : 1;
    for (int64_t t0 = 0; t0 < a.tq; t0 += perGroup) {
      const int64_t t1 = t0 + perGroup < a.tq ? t0 + perGroup : a.tq, nmax = causalKeys(t1 - 1);
      splitPasses(t0, 0, (t1 - t0) * a.nHeads, 0, nmax, [&](float* p) {
        for (int64_t t = t0; t < t1; ++t)
          for (int64_t r = (t - t0) * a.nHeads; r < (t - t0 + 1) * a.nHeads; ++r)
            for (int64_t j = causalKeys(t); j < nmax; ++j) p[r * nmax + j] = -INFINITY;
      });
    }
    return env.Undefined();
  }
  if (a.tq * a.nKvHeads <= 2 && keys >= 16) {
    // Decoding on other layouts: one or two query rows, every head of a kv group against all the keys, split
    // the same way instead of by (token, kv head, chunk) items: there are too few of those, and one thread
    // would do all the work.
    for (int64_t t = 0; t < a.tq; ++t)
      for (int64_t kvh = 0; kvh < a.nKvHeads; ++kvh) splitPasses(t, kvh * group, group, kvh, causalKeys(t), [](float*) {});
    return env.Undefined();
  }
  parallel(items, 1, threads, [&](int, int64_t b, int64_t e) {
    thread_local std::vector<float> scores;  // per-thread scratch, reused across calls
    if ((int64_t)scores.size() < scratch) scores.resize(scratch);
    if (a.headChunk < 4) return kern.attention(a, b, e, scores.data());
    // Groups of 4+ query heads per kv head (absorbed MLA over a long context, its chunks of many tokens): the
    // register-tiled passes of decoding, one item at a time.
    for (int64_t item = b; item < e; ++item) {
      const int64_t c = item % chunks, kvh = (item / chunks) % a.nKvHeads, t = item / chunks / a.nKvHeads;
      const int64_t h0 = kvh * group + c * a.headChunk;
      const int64_t G = group - c * a.headChunk < a.headChunk ? group - c * a.headChunk : a.headChunk;
      const int64_t n = causalKeys(t);
      kern.attnScores(a, t, h0, G, kvh, 0, n, scores.data(), n);
      kern.softmax(scores.data(), n, 0, G);
      kern.attnValues(a, t, h0, G, kvh, n, scores.data(), n, 0, a.dv);
    }
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
  exports.Set("matmulBatch", Napi::Function::New(env, MatmulBatch));
  exports.Set("matmulHeads", Napi::Function::New(env, MatmulHeads));
  exports.Set("moeTokens", Napi::Function::New(env, MoeTokens));
  exports.Set("readBandwidth", Napi::Function::New(env, ReadBandwidth));
  exports.Set("quantize", Napi::Function::New(env, Quantize));
  exports.Set("copyToHugePages", Napi::Function::New(env, CopyToHugePages));
  exports.Set("allocWeightBytes", Napi::Function::New(env, AllocWeightBytes));
  exports.Set("rmsnorm", Napi::Function::New(env, Rmsnorm));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("rope", Napi::Function::New(env, Rope));
  exports.Set("siluMul", Napi::Function::New(env, SiluMul));
  exports.Set("axpy", Napi::Function::New(env, Axpy));
  exports.Set("argmax", Napi::Function::New(env, Argmax));
  exports.Set("attention", Napi::Function::New(env, Attention));
  exports.Set("mapFile", Napi::Function::New(env, MapFile));
  return exports;
}

}  // namespace dsn

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return dsn::Init(env, exports); }

NODE_API_MODULE(deepseek_native, InitModule)
