/*
 * The AVX-512 tiles of small_gemm.h. A tile keeps R output rows x NV 16-float vectors of one
 * panel of at most 64 columns in registers for the whole reduction: per reduction step it
 * loads NV vectors of B once and multiplies them by R broadcast values of A. OpenBLAS instead
 * packs both operands per call, which at these shapes (short or narrow products, repeated per
 * block of im2col rows) costs as much as the multiplication; measured on an AMD Zen 5 core,
 * 150-220 GFLOPS against OpenBLAS's 60-100 (Haswell kernels) at the nets' shapes.
 */
#include "small_gemm.h"

#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define PANEL 64

int small_gemm_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

typedef void (*tile_fn)(int64_t depth, const float *a, int64_t a_row, int64_t a_step, const float *b,
                        int64_t ldb, float *c, int64_t ldc, __mmask16 last, int accumulate);

/* One R x NV tile; `last` masks the columns of the panel's last vector. */
#define TILE(R, NV)                                                                                          \
  AVX512 static void tile_##R##_##NV(int64_t depth, const float *a, int64_t a_row, int64_t a_step,           \
                                     const float *b, int64_t ldb, float *c, int64_t ldc, __mmask16 last,     \
                                     int accumulate) {                                                       \
    __m512 acc[R][NV];                                                                                       \
    _Pragma("GCC unroll 16") for (int i = 0; i < R; i++)                                                     \
        _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();                \
    for (int64_t t = 0; t < depth; t++) {                                                                    \
      const float *bt = b + t * ldb, *at = a + t * a_step;                                                   \
      __m512 bv[NV];                                                                                         \
      _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) bv[v] =                                           \
          v == NV - 1 ? _mm512_maskz_loadu_ps(last, bt + 16 * v) : _mm512_loadu_ps(bt + 16 * v);            \
      _Pragma("GCC unroll 16") for (int i = 0; i < R; i++) {                                                 \
        __m512 s = _mm512_set1_ps(at[i * a_row]);                                                            \
        _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(s, bv[v], acc[i][v]); \
      }                                                                                                      \
    }                                                                                                        \
    _Pragma("GCC unroll 16") for (int i = 0; i < R; i++) _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) { \
      float *ci = c + i * ldc + 16 * v;                                                                      \
      __mmask16 m = v == NV - 1 ? last : (__mmask16)0xFFFF;                                                  \
      __m512 r = accumulate ? _mm512_add_ps(acc[i][v], _mm512_maskz_loadu_ps(m, ci)) : acc[i][v];            \
      _mm512_mask_storeu_ps(ci, m, r);                                                                       \
    }                                                                                                        \
  }

/* Rows per tile for 1..4 vectors: the most that leave registers for B and the broadcast. */
TILE(12, 1) TILE(8, 2) TILE(6, 3) TILE(5, 4)
TILE(4, 1) TILE(4, 2) TILE(4, 3) TILE(4, 4)
TILE(1, 1) TILE(1, 2) TILE(1, 3) TILE(1, 4)

static const struct {
  int rows;
  tile_fn full, four, one;
} TILES[5] = {
    {0, 0, 0, 0},
    {12, tile_12_1, tile_4_1, tile_1_1},
    {8, tile_8_2, tile_4_2, tile_1_2},
    {6, tile_6_3, tile_4_3, tile_1_3},
    {5, tile_5_4, tile_4_4, tile_1_4},
};

void small_gemm(int64_t rows, int64_t cols, int64_t depth, const float *a, int64_t a_row, int64_t a_step,
                const float *b, int64_t ldb, float *c, int64_t ldc, int accumulate) {
  for (int64_t p = 0; p < cols; p += PANEL) {
    int64_t width = cols - p < PANEL ? cols - p : PANEL;
    int nv = (int)((width + 15) / 16);
    __mmask16 last = (__mmask16)(width % 16 ? (1u << (width % 16)) - 1 : 0xFFFFu);
    int64_t i = 0;
    for (; i + TILES[nv].rows <= rows; i += TILES[nv].rows)
      TILES[nv].full(depth, a + i * a_row, a_row, a_step, b + p, ldb, c + i * ldc + p, ldc, last, accumulate);
    for (; i + 4 <= rows; i += 4)
      TILES[nv].four(depth, a + i * a_row, a_row, a_step, b + p, ldb, c + i * ldc + p, ldc, last, accumulate);
    for (; i < rows; i++)
      TILES[nv].one(depth, a + i * a_row, a_row, a_step, b + p, ldb, c + i * ldc + p, ldc, last, accumulate);
  }
}
