# The kernels addon. No -march flags: kernels_avx2.cc and kernels_avx512.cc enable their
# instruction sets with `#pragma GCC target`, and dispatch.cc picks one at run time, so the
# binary runs on any x86-64 (DEEPSEEK_NATIVE_ISA=scalar|avx2|avx512|avx512vnni|avx512bf16 forces a path).
{
  "targets": [
    {
      "target_name": "deepseek_native",
      "sources": [
        "src/addon.cc",
        "src/dispatch.cc",
        "src/map_file.cc",
        "src/thread_pool.cc",
        "src/kernels_scalar.cc",
        "src/kernels_avx2.cc",
        "src/kernels_avx512.cc",
        "src/kernels_avx512_vnni.cc",
        "src/kernels_avx512_bf16.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O2", "-O0"],
      "cflags": ["-O3", "-pthread", "-fvisibility=hidden"],
      "cflags_cc": ["-O3", "-ffp-contract=off", "-std=c++17", "-fexceptions", "-pthread", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-unused-function"],
      "ldflags": ["-pthread"]
    }
  ]
}
