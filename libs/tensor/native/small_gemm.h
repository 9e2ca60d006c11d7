/*
 * Single-precision matrix products whose output has few columns per row, the shape of every
 * convolution of the nets (output channels, or filter taps x input channels, in panels of 64),
 * with AVX-512 register tiles and no packing of the operands.
 */
#ifndef SMALL_GEMM_H
#define SMALL_GEMM_H
#include <stdint.h>

/* Whether the processor runs the AVX-512 tiles (checked once). */
int small_gemm_supported(void);

/*
 * c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0) + sum over t < depth of A(i, t) * b[t * ldb + j]
 * for i < rows, j < cols, where A(i, t) = a[i * a_row + t * a_step]: a row-major A has
 * (a_row, a_step) = (lda, 1), a transposed one (1, lda). Requires small_gemm_supported().
 */
void small_gemm(int64_t rows, int64_t cols, int64_t depth, const float *a, int64_t a_row, int64_t a_step,
                const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate);

#endif
