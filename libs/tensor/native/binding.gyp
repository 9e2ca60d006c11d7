{
  "targets": [
    {
      "target_name": "blas_kernels",
      "sources": ["blas_kernels.c", "small_gemm.c", "direct_conv.c"],
      "cflags": ["-O3", "-std=c11"],
      "libraries": ["-lopenblas"]
    }
  ]
}
