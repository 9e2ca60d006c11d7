/*
 * Stride-1 convolutions without an im2col matrix, on small_gemm's AVX-512 tiles (requires
 * small_gemm_supported()). See direct_conv.c.
 */
#ifndef DIRECT_CONV_H
#define DIRECT_CONV_H
#include "conv_geometry.h"

/* Whether the direct path computes all three products of `g`: unit strides, padding at most the dilated filter. */
int direct_conv_applies(const geom_t *g);

/* y = conv(x, w); 0 when out of memory. */
int direct_conv_forward(const geom_t *g, const float *x, const float *w, float *y);
/* dx = the input gradient for dy; 0 when out of memory. */
int direct_conv_input_grad(const geom_t *g, const float *dy, const float *w, float *dx);
/* dw = the filter gradient for x and dy; 0 when out of memory. */
int direct_conv_filter_grad(const geom_t *g, const float *x, const float *dy, float *dw);

#endif
