{
  "targets": [
    {
      "target_name": "blas_conv",
      "sources": ["blas_conv.c"],
      "cflags": ["-O3", "-std=c11"],
      "libraries": ["-lopenblas"]
    }
  ]
}
