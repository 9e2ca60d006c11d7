/*
 * What the native convolutions share: one convolution's geometry (see blas_kernels.c for
 * how JavaScript passes it) and per-thread scratch buffers.
 */
#ifndef CONV_GEOMETRY_H
#define CONV_GEOMETRY_H
#include <stdint.h>
#include <stdlib.h>

/* NHWC input n x h x w x cin, HWIO filter kh x kw x cin x cout, output n x oh x ow x cout. */
typedef struct {
  int64_t n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, dh, dw, pt, pl;
} geom_t;

/* A buffer kept for the next call (declared _Thread_local, so worker threads may call in parallel). */
typedef struct {
  float *data;
  int64_t len;
} buffer_t;

/* At least `len` floats of `b`; NULL when out of memory. */
static inline float *grow(buffer_t *b, int64_t len) {
  if (len > b->len) {
    free(b->data);
    b->data = (float *)malloc((size_t)len * sizeof(float));
    b->len = b->data == NULL ? 0 : len;
  }
  return b->data;
}

#endif
