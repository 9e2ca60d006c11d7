/*
 * Kernels of the tfjs wasm backend computed natively: 2-D convolutions (NHWC input, HWIO
 * filter) and their two gradients as im2col plus one single-precision matrix product, and
 * sums over the innermost or the leading axes as a matrix-vector product with a vector of
 * ones (OpenBLAS); plus the strided box copy behind the layout kernels (slice, concat,
 * split), as memcpy of contiguous runs, the max-pool and ReLU gradients as single loops, and
 * the search's weighted sums of K same-shaped terms (forward and backward) in one pass each. Called synchronously from JavaScript with
 * typed-array views, e.g. on the tfjs wasm backend's heap, so the tensors are read and
 * written in place.
 *
 * The convolutions' matrix products run on the AVX-512 tiles of small_gemm.c where the
 * processor has AVX-512 (about twice OpenBLAS's speed at these shapes), on OpenBLAS's sgemm
 * elsewhere; `gemmKernel` tells which and switches (for tests and measurements).
 *
 * Geometry (an Int32Array of GEOMETRY_LENGTH values, see `enum geometry`): batch, input
 * height/width/channels, output height/width/channels, filter height/width, strides,
 * dilations and the top/left padding; bottom/right padding follow from the sizes.
 *
 * The im2col matrix is built and multiplied in blocks of rows (output pixels) of about
 * BLOCK_FLOATS, so that a block is still in the cache when the matrix product reads it
 * (1.5-2x faster than one whole-batch im2col at our shapes) and the scratch stays small
 * whatever the image size; buffers are per thread, so worker threads may call in parallel.
 */
#include <cblas.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv_geometry.h"
#include "direct_conv.h"
#include "small_gemm.h"

enum geometry {
  G_N, G_H, G_W, G_CIN, G_OH, G_OW, G_COUT, G_KH, G_KW,
  G_SH, G_SW, G_DH, G_DW, G_PT, G_PL, GEOMETRY_LENGTH
};

/* Floats of im2col rows per block (1 MiB), and the fewest rows a block has. */
#define BLOCK_FLOATS (256L << 10)
#define MIN_BLOCK_ROWS 64

/* Rows (output pixels) and columns (filter taps x input channels) of the im2col matrix. */
static int64_t rows_of(const geom_t *g) { return g->n * g->oh * g->ow; }
static int64_t cols_of(const geom_t *g) { return g->kh * g->kw * g->cin; }

static _Thread_local buffer_t im2col_buffer, filter_buffer;

/* Whether the matrix products run on small_gemm's tiles (else OpenBLAS). */
static int use_small_gemm = 0;

/* c[m x n] = (accumulate ? c : 0) + a[m x k] * b[k x n], row-major with leading dimensions. */
static void mat_nn(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                   float *c, int64_t ldc, int accumulate) {
  if (use_small_gemm)
    small_gemm(m, n, k, a, lda, 1, b, ldb, c, ldc, accumulate);
  else
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, accumulate ? 1.0f : 0.0f,
                c, ldc);
}

/* c[m x n] = (accumulate ? c : 0) + a[k x m]^T * b[k x n]. */
static void mat_tn(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                   float *c, int64_t ldc, int accumulate) {
  if (use_small_gemm)
    small_gemm(m, n, k, a, 1, lda, b, ldb, c, ldc, accumulate);
  else
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, accumulate ? 1.0f : 0.0f,
                c, ldc);
}

static int64_t rows_per_block(const geom_t *g) {
  int64_t k = cols_of(g);
  int64_t rows = BLOCK_FLOATS / (k > 0 ? k : 1);
  return rows < MIN_BLOCK_ROWS ? MIN_BLOCK_ROWS : rows;
}

/* A 1x1 filter with unit strides and no padding reads the input rows as they are. */
static int is_pointwise(const geom_t *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0 &&
         g->oh == g->h && g->ow == g->w;
}

/* Where output pixel `p` (an im2col row) reads: its image and the input row/column of tap (0, 0). */
typedef struct {
  int64_t n, ih0, iw0;
} origin_t;

static origin_t origin_of(const geom_t *g, int64_t p) {
  int64_t ow = p % g->ow, t = p / g->ow, oh = t % g->oh;
  origin_t o = {t / g->oh, oh * g->sh - g->pt, ow * g->sw - g->pl};
  return o;
}

/* The input pixel (index into the NHWC pixels) tap (i, j) of `o` reads, or -1 in the padding. */
static int64_t tap_pixel(const geom_t *g, origin_t o, int64_t i, int64_t j) {
  int64_t ih = o.ih0 + i * g->dh, iw = o.iw0 + j * g->dw;
  if (ih < 0 || ih >= g->h || iw < 0 || iw >= g->w) return -1;
  return (o.n * g->h + ih) * g->w + iw;
}

/*
 * Where the filter row `i` of output pixel `o` reads: the input pixel of its first tap when
 * all its kw taps lie inside the input and side by side (undilated), so that they are one
 * run of kw * cin floats; -1 when the row is wholly in the padding; -2 otherwise.
 */
static int64_t filter_row_run(const geom_t *g, origin_t o, int64_t i) {
  int64_t ih = o.ih0 + i * g->dh;
  if (ih < 0 || ih >= g->h) return -1;
  if (g->dw != 1 || o.iw0 < 0 || o.iw0 + g->kw > g->w) return -2;
  return (o.n * g->h + ih) * g->w + o.iw0;
}

/* Rows [r0, r0 + count) of the im2col matrix (output pixels x (kh, kw, cin)). */
static void im2col(const geom_t *g, const float *x, int64_t r0, int64_t count, float *col) {
  size_t run = (size_t)g->cin * sizeof(float);
  int64_t row_len = g->kw * g->cin;
  float *dst = col;
  for (int64_t r = r0; r < r0 + count; r++) {
    origin_t o = origin_of(g, r);
    for (int64_t i = 0; i < g->kh; i++, dst += row_len) {
      int64_t q = filter_row_run(g, o, i);
      if (q >= 0) {
        memcpy(dst, x + q * g->cin, (size_t)row_len * sizeof(float));
      } else if (q == -1) {
        memset(dst, 0, (size_t)row_len * sizeof(float));
      } else {
        for (int64_t j = 0; j < g->kw; j++) {
          int64_t p = tap_pixel(g, o, i, j);
          if (p < 0)
            memset(dst + j * g->cin, 0, run);
          else
            memcpy(dst + j * g->cin, x + p * g->cin, run);
        }
      }
    }
  }
}

/* Adds rows [r0, r0 + count) of an im2col-shaped gradient back onto the input gradient. */
static void col2im_add(const geom_t *g, const float *col, int64_t r0, int64_t count, float *dx) {
  int64_t row_len = g->kw * g->cin;
  const float *src = col;
  for (int64_t r = r0; r < r0 + count; r++) {
    origin_t o = origin_of(g, r);
    for (int64_t i = 0; i < g->kh; i++, src += row_len) {
      int64_t q = filter_row_run(g, o, i);
      if (q >= 0) {
        float *d = dx + q * g->cin;
        for (int64_t c = 0; c < row_len; c++) d[c] += src[c];
      } else if (q == -2) {
        for (int64_t j = 0; j < g->kw; j++) {
          int64_t p = tap_pixel(g, o, i, j);
          if (p < 0) continue;
          float *d = dx + p * g->cin;
          const float *s = src + j * g->cin;
          for (int64_t c = 0; c < g->cin; c++) d[c] += s[c];
        }
      }
    }
  }
}

/* One block of `count` output-pixel rows from `r0`, with an im2col-sized scratch `col`. */
typedef void (*block_fn)(const geom_t *g, const float *a, const float *b, float *out, float *col, int64_t r0,
                         int64_t count);

/* Runs `fn` over all row blocks; 0 when the scratch cannot be allocated. */
static int by_row_blocks(const geom_t *g, block_fn fn, const float *a, const float *b, float *out) {
  int64_t m = rows_of(g), block = rows_per_block(g);
  float *col = grow(&im2col_buffer, (m < block ? m : block) * cols_of(g));
  if (col == NULL) return 0;
  for (int64_t r0 = 0; r0 < m; r0 += block) fn(g, a, b, out, col, r0, m - r0 < block ? m - r0 : block);
  return 1;
}

/* y[M, cout] = im2col(x)[M, K] * w[K, cout]. */
static void forward_block(const geom_t *g, const float *x, const float *w, float *y, float *col, int64_t r0,
                          int64_t count) {
  int64_t k = cols_of(g);
  im2col(g, x, r0, count, col);
  mat_nn(count, g->cout, k, col, k, w, g->cout, y + r0 * g->cout, g->cout, 0);
}

/*
 * Whether the stride-1 path of direct_conv.c (no im2col matrix) computes `g`, for a product
 * `cols` wide: where it measured faster, on images at least DIRECT_MIN_WIDTH wide (narrower
 * ones waste (kw - 1) dw of each row's columns) and products at least DIRECT_MIN_COLS wide
 * (narrower ones waste most of a vector).
 */
#define DIRECT_MIN_WIDTH 32
#define DIRECT_MIN_COLS 8
static int direct(const geom_t *g, int64_t cols) {
  return use_small_gemm && !is_pointwise(g) && direct_conv_applies(g) && g->ow >= DIRECT_MIN_WIDTH &&
         cols >= DIRECT_MIN_COLS;
}

static int conv_forward(const geom_t *g, const float *x, const float *w, float *y) {
  if (direct(g, g->cout)) return direct_conv_forward(g, x, w, y);
  if (!is_pointwise(g)) return by_row_blocks(g, forward_block, x, w, y);
  mat_nn(rows_of(g), g->cout, g->cin, x, g->cin, w, g->cout, y, g->cout, 0);
  return 1;
}

/* dx = col2im(dy[M, cout] * wt[cout, K]), wt the filter transposed. */
static void input_grad_block(const geom_t *g, const float *dy, const float *wt, float *dx, float *col, int64_t r0,
                             int64_t count) {
  int64_t k = cols_of(g);
  mat_nn(count, k, g->cout, dy + r0 * g->cout, g->cout, wt, k, col, k, 0);
  col2im_add(g, col, r0, count, dx);
}

static int conv_input_grad(const geom_t *g, const float *dy, const float *w, float *dx) {
  if (direct(g, g->cin)) return direct_conv_input_grad(g, dy, w, dx);
  int64_t k = cols_of(g);
  float *wt = grow(&filter_buffer, k * g->cout);
  if (wt == NULL) return 0;
  for (int64_t i = 0; i < k; i++)
    for (int64_t o = 0; o < g->cout; o++) wt[o * k + i] = w[i * g->cout + o];
  if (!is_pointwise(g)) {
    memset(dx, 0, (size_t)(g->n * g->h * g->w * g->cin) * sizeof(float));
    return by_row_blocks(g, input_grad_block, dy, wt, dx);
  }
  mat_nn(rows_of(g), g->cin, g->cout, dy, g->cout, wt, g->cin, dx, g->cin, 0);
  return 1;
}

/* dw[K, cout] = im2col(x)[M, K]^T * dy[M, cout], summed over the row blocks. */
static void filter_grad_block(const geom_t *g, const float *x, const float *dy, float *dw, float *col, int64_t r0,
                              int64_t count) {
  int64_t k = cols_of(g);
  im2col(g, x, r0, count, col);
  mat_tn(k, g->cout, count, col, k, dy + r0 * g->cout, g->cout, dw, g->cout, r0 != 0);
}

static int conv_filter_grad(const geom_t *g, const float *x, const float *dy, float *dw) {
  /* Its products are kw cin rows of cout columns. */
  if (direct(g, g->kw * g->cin < g->cout ? g->kw * g->cin : g->cout)) return direct_conv_filter_grad(g, x, dy, dw);
  if (!is_pointwise(g)) return by_row_blocks(g, filter_grad_block, x, dy, dw);
  mat_tn(g->cin, g->cout, rows_of(g), x, g->cin, dy, g->cout, dw, g->cout, 0);
  return 1;
}

/* ---- N-API glue ---- */

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* A Float32Array argument's data and length; 0 when the argument is not one. */
static int float_array(napi_env env, napi_value v, float **data, size_t *len) {
  bool is_typed;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, (void **)data, NULL, NULL) != napi_ok) return 0;
  return type == napi_float32_array;
}

static int read_geometry(napi_env env, napi_value v, geom_t *g) {
  bool is_typed;
  napi_typedarray_type type;
  size_t len;
  int32_t *d;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, v, &type, &len, (void **)&d, NULL, NULL) != napi_ok) return 0;
  if (type != napi_int32_array || len != GEOMETRY_LENGTH) return 0;
  int64_t *out = &g->n;
  for (int i = 0; i < GEOMETRY_LENGTH; i++) {
    if (d[i] < 0) return 0;
    out[i] = d[i];
  }
  return g->sh > 0 && g->sw > 0 && g->dh > 0 && g->dw > 0;
}

typedef int (*conv_fn)(const geom_t *, const float *, const float *, float *);

/* (a, b, out, geometry) with a, b, out Float32Arrays of the sizes the geometry implies. */
static napi_value call(napi_env env, napi_callback_info info, conv_fn fn, int64_t (*sizes)(const geom_t *, int)) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4)
    return fail(env, "expected (a, b, out, geometry)");
  geom_t g;
  if (!read_geometry(env, argv[3], &g)) return fail(env, "geometry: Int32Array of 15 valid sizes expected");
  float *p[3];
  for (int i = 0; i < 3; i++) {
    size_t len;
    if (!float_array(env, argv[i], &p[i], &len)) return fail(env, "operands must be Float32Arrays");
    if ((int64_t)len != sizes(&g, i)) return fail(env, "operand size does not match the geometry");
  }
  if (sizes(&g, 0) == 0 || sizes(&g, 1) == 0) {
    /* An empty operand: every output value is an empty sum. */
    memset(p[2], 0, (size_t)sizes(&g, 2) * sizeof(float));
    return NULL;
  }
  if (!fn(&g, p[0], p[1], p[2])) return fail(env, "out of memory for the im2col buffer");
  return NULL;
}

static int64_t x_size(const geom_t *g) { return g->n * g->h * g->w * g->cin; }
static int64_t y_size(const geom_t *g) { return g->n * g->oh * g->ow * g->cout; }
static int64_t w_size(const geom_t *g) { return g->kh * g->kw * g->cin * g->cout; }

static int64_t forward_sizes(const geom_t *g, int i) { return i == 0 ? x_size(g) : i == 1 ? w_size(g) : y_size(g); }
static int64_t input_grad_sizes(const geom_t *g, int i) { return i == 0 ? y_size(g) : i == 1 ? w_size(g) : x_size(g); }
static int64_t filter_grad_sizes(const geom_t *g, int i) { return i == 0 ? x_size(g) : i == 1 ? y_size(g) : w_size(g); }

static napi_value forward(napi_env env, napi_callback_info info) {
  return call(env, info, conv_forward, forward_sizes);
}
static napi_value input_grad(napi_env env, napi_callback_info info) {
  return call(env, info, conv_input_grad, input_grad_sizes);
}
static napi_value filter_grad(napi_env env, napi_callback_info info) {
  return call(env, info, conv_filter_grad, filter_grad_sizes);
}

static _Thread_local float *ones = NULL;
static _Thread_local int64_t ones_len = 0;

/* At least `len` ones (per thread, kept for the next call); NULL when out of memory. */
static const float *ones_of(int64_t len) {
  if (len > ones_len) {
    free(ones);
    ones = (float *)malloc((size_t)len * sizeof(float));
    ones_len = ones == NULL ? 0 : len;
    for (int64_t i = 0; i < ones_len; i++) ones[i] = 1.0f;
  }
  return ones;
}

/*
 * (x, out): x as a matrix of out.length rows (`by_rows`) or out.length columns, and out the
 * sums of its rows (a sum over innermost axes) or of its columns (over leading axes).
 */
static napi_value sum_lines(napi_env env, napi_callback_info info, int by_rows) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2)
    return fail(env, "expected (x, out)");
  float *x, *out;
  size_t x_len, n_out;
  if (!float_array(env, argv[0], &x, &x_len) || !float_array(env, argv[1], &out, &n_out))
    return fail(env, "operands must be Float32Arrays");
  if (n_out == 0) return NULL;
  if (x_len % n_out != 0) return fail(env, "x does not split into out.length equal lines");
  int64_t other = (int64_t)(x_len / n_out);
  if (other == 0) {
    memset(out, 0, n_out * sizeof(float));
    return NULL;
  }
  const float *one = ones_of(other);
  if (one == NULL) return fail(env, "out of memory for the ones vector");
  if (by_rows && n_out == 1)
    out[0] = cblas_sdot(other, x, 1, one, 1);
  else if (by_rows)
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (blasint)n_out, other, 1.0f, x, other, one, 1, 0.0f, out, 1);
  else
    cblas_sgemv(CblasRowMajor, CblasTrans, other, (blasint)n_out, 1.0f, x, (blasint)n_out, one, 1, 0.0f, out, 1);
  return NULL;
}

static napi_value sum_rows(napi_env env, napi_callback_info info) { return sum_lines(env, info, 1); }
static napi_value sum_columns(napi_env env, napi_callback_info info) { return sum_lines(env, info, 0); }

/* ---- strided copies (the layout kernels' data movement, strided-copy.ts) ---- */

/* Copies the box of `k` axes (size, source stride, destination stride), innermost last. */
static void copy_box(const int32_t *src, int32_t *dst, const int64_t *axes, int k) {
  int64_t size = axes[0], ss = axes[1], ds = axes[2];
  if (k == 1) {
    if (ss == 1 && ds == 1)
      memcpy(dst, src, (size_t)size * sizeof(int32_t));
    else
      for (int64_t i = 0; i < size; i++) dst[i * ds] = src[i * ss];
    return;
  }
  for (int64_t i = 0; i < size; i++) copy_box(src + i * ss, dst + i * ds, axes + 3, k - 1);
}

#define MAX_COPY_AXES 8

/* A typed array of 4-byte elements (float32 or int32) and its length; 0 otherwise. */
static int word_array(napi_env env, napi_value v, int32_t **data, size_t *len) {
  bool is_typed;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, (void **)data, NULL, NULL) != napi_ok) return 0;
  return type == napi_int32_array || type == napi_float32_array;
}

/*
 * (src, dst, plan): plan is an Int32Array [srcOffset, dstOffset, (size, srcStride,
 * dstStride) per axis, innermost last], sizes >= 1 and strides >= 0; every element the box
 * touches must lie inside both arrays.
 */
static napi_value copy_strided(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3)
    return fail(env, "expected (src, dst, plan)");
  int32_t *src, *dst, *plan;
  size_t src_len, dst_len, plan_len;
  bool is_typed;
  napi_typedarray_type type;
  if (!word_array(env, argv[0], &src, &src_len) || !word_array(env, argv[1], &dst, &dst_len))
    return fail(env, "src and dst must be Int32Arrays or Float32Arrays");
  if (napi_is_typedarray(env, argv[2], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[2], &type, &plan_len, (void **)&plan, NULL, NULL) != napi_ok ||
      type != napi_int32_array || plan_len < 5 || (plan_len - 2) % 3 != 0 || (plan_len - 2) / 3 > MAX_COPY_AXES)
    return fail(env, "plan: Int32Array of two offsets and 1 to 8 (size, srcStride, dstStride) triples expected");
  int k = (int)((plan_len - 2) / 3);
  int64_t axes[3 * MAX_COPY_AXES];
  int64_t src_end = plan[0], dst_end = plan[1];
  if (src_end < 0 || dst_end < 0) return fail(env, "plan: offsets must be >= 0");
  for (int i = 0; i < 3 * k; i++) {
    axes[i] = plan[2 + i];
    if (axes[i] < (i % 3 == 0 ? 1 : 0)) return fail(env, "plan: sizes must be >= 1 and strides >= 0");
  }
  for (int i = 0; i < k; i++) {
    src_end += (axes[3 * i] - 1) * axes[3 * i + 1];
    dst_end += (axes[3 * i] - 1) * axes[3 * i + 2];
  }
  if (src_end >= (int64_t)src_len || dst_end >= (int64_t)dst_len)
    return fail(env, "plan: the box reaches past the end of src or dst");
  copy_box(src + plan[0], dst + plan[1], axes, k);
  return NULL;
}

/*
 * gemmKernel([name]): the convolutions' matrix product, "avx512" (small_gemm.c) or
 * "openblas"; with a name, switches to it first (refusing "avx512" where unsupported).
 */
static napi_value gemm_kernel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return fail(env, "bad call");
  if (argc >= 1) {
    char name[16];
    size_t len;
    if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok)
      return fail(env, "gemmKernel: a name, \"avx512\" or \"openblas\", expected");
    if (strcmp(name, "openblas") == 0)
      use_small_gemm = 0;
    else if (strcmp(name, "avx512") == 0 && small_gemm_supported())
      use_small_gemm = 1;
    else if (strcmp(name, "avx512") == 0)
      return fail(env, "gemmKernel: this processor has no AVX-512");
    else
      return fail(env, "gemmKernel: a name, \"avx512\" or \"openblas\", expected");
  }
  napi_value s;
  napi_create_string_utf8(env, use_small_gemm ? "avx512" : "openblas", NAPI_AUTO_LENGTH, &s);
  return s;
}

/* ---- element-wise gradients ---- */

/*
 * Reads a call's `total` arguments into argv, the first `n` of them as Float32Arrays (data
 * and length); 0, with a JavaScript error naming `usage`, when they are not.
 */
static int float_args(napi_env env, napi_callback_info info, size_t total, napi_value *argv, size_t n, float **p,
                      size_t *len, const char *usage) {
  size_t argc = total;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != total) {
    fail(env, usage);
    return 0;
  }
  for (size_t i = 0; i < n; i++)
    if (!float_array(env, argv[i], &p[i], &len[i])) {
      fail(env, "operands must be Float32Arrays");
      return 0;
    }
  return 1;
}

/*
 * (x, y, dy, dx, geometry): the max-pool gradient, NHWC, geometry as for the convolutions
 * with cin = cout = C and the pooling window as the filter. Each window's dy goes to the
 * first element of the window, in row-major order, that equals its maximum (TensorFlow's
 * rule for ties); padding receives nothing. dx is overwritten.
 */
static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  float *p[4];
  size_t len[4];
  if (!float_args(env, info, 5, argv, 4, p, len, "expected (x, y, dy, dx, geometry)")) return NULL;
  geom_t g;
  if (!read_geometry(env, argv[4], &g) || g.cin != g.cout)
    return fail(env, "geometry: Int32Array of 15 valid sizes with cin = cout expected");
  const float *x = p[0], *y = p[1], *dy = p[2];
  float *dx = p[3];
  if ((int64_t)len[0] != x_size(&g) || (int64_t)len[3] != x_size(&g) || (int64_t)len[1] != y_size(&g) ||
      (int64_t)len[2] != y_size(&g))
    return fail(env, "operand size does not match the geometry");
  memset(dx, 0, len[3] * sizeof(float));
  int64_t c = g.cin;
  for (int64_t n = 0; n < g.n; n++)
    for (int64_t oh = 0; oh < g.oh; oh++)
      for (int64_t ow = 0; ow < g.ow; ow++) {
        int64_t out = ((n * g.oh + oh) * g.ow + ow) * c;
        int64_t ih0 = oh * g.sh - g.pt, iw0 = ow * g.sw - g.pl;
        for (int64_t k = 0; k < c; k++) {
          float max = y[out + k];
          int found = 0;
          for (int64_t i = 0; i < g.kh && !found; i++) {
            int64_t ih = ih0 + i * g.dh;
            if (ih < 0 || ih >= g.h) continue;
            for (int64_t j = 0; j < g.kw; j++) {
              int64_t iw = iw0 + j * g.dw;
              if (iw < 0 || iw >= g.w) continue;
              int64_t at = ((n * g.h + ih) * g.w + iw) * c + k;
              if (x[at] == max) {
                dx[at] += dy[out + k];
                found = 1;
                break;
              }
            }
          }
        }
      }
  return NULL;
}

/*
 * (dy, y, dx): the ReLU gradient from the ReLU's output, dx = y > 0 ? dy : 0 (as PyTorch's;
 * a NaN in dy where y <= 0 gives 0). dy and dx are handled as bit patterns, masked, so that
 * the loop has no branch and vectorises (a branch per element mispredicts on half of them:
 * 30x slower here). dx must not overlap dy or y.
 */
static napi_value relu_grad(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  float *p[3];
  size_t len[3];
  if (!float_args(env, info, 3, argv, 3, p, len, "expected (dy, y, dx)")) return NULL;
  if (len[1] != len[0] || len[2] != len[0]) return fail(env, "dy, y and dx must have the same length");
  const uint32_t *restrict dy = (const uint32_t *)(void *)p[0];
  const float *restrict y = p[1];
  uint32_t *restrict dx = (uint32_t *)(void *)p[2];
  for (size_t i = 0; i < len[0]; i++) dx[i] = dy[i] & -(uint32_t)(y[i] > 0.0f);
  return NULL;
}

/* ---- the search's weighted sums ---- */

#define MAX_TERMS 32
#define SUM_BLOCK 2048

/* `count` (at most MAX_TERMS) Float32Arrays of `len` elements from a JS array; 0 otherwise. */
static int float_arrays(napi_env env, napi_value v, float **out, uint32_t *count, size_t len) {
  bool is_array;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) return 0;
  if (napi_get_array_length(env, v, count) != napi_ok || *count == 0 || *count > MAX_TERMS) return 0;
  for (uint32_t k = 0; k < *count; k++) {
    napi_value e;
    size_t n;
    if (napi_get_element(env, v, k, &e) != napi_ok || !float_array(env, e, &out[k], &n) || n != len) return 0;
  }
  return 1;
}

/* (terms, w, out): out = sum_k w[k] * terms[k], terms an array of K Float32Arrays of out's length, w of K. */
static napi_value weighted_sum(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3)
    return fail(env, "expected (terms, w, out)");
  float *w, *out, *t[MAX_TERMS];
  size_t nw, len;
  uint32_t k;
  if (!float_array(env, argv[1], &w, &nw) || !float_array(env, argv[2], &out, &len))
    return fail(env, "w and out must be Float32Arrays");
  if (!float_arrays(env, argv[0], t, &k, len) || k != nw)
    return fail(env, "terms: an array of 1 to 32 Float32Arrays of out's length, one per weight");
  /* Block by block, so that the block of out stays in the cache over the K terms. */
  for (size_t b = 0; b < len; b += SUM_BLOCK) {
    size_t e = b + SUM_BLOCK < len ? b + SUM_BLOCK : len;
    for (size_t i = b; i < e; i++) out[i] = w[0] * t[0][i];
    for (uint32_t j = 1; j < k; j++) {
      const float wj = w[j], *tj = t[j];
      for (size_t i = b; i < e; i++) out[i] += wj * tj[i];
    }
  }
  return NULL;
}

/* The dot product of a and b, in float64 over float32 block sums. */
__attribute__((optimize("associative-math", "no-signed-zeros", "no-trapping-math")))
static double dot(const float *a, const float *b, size_t len) {
  double total = 0;
  for (size_t s = 0; s < len; s += SUM_BLOCK) {
    size_t e = s + SUM_BLOCK < len ? s + SUM_BLOCK : len;
    float part = 0;
    for (size_t i = s; i < e; i++) part += a[i] * b[i];
    total += part;
  }
  return total;
}

/* (dy, terms, w, dterms, dw): dterms[k] = w[k] * dy and dw[k] = sum(terms[k] * dy). */
static napi_value weighted_sum_grad(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5)
    return fail(env, "expected (dy, terms, w, dterms, dw)");
  float *dy, *w, *dw, *t[MAX_TERMS], *dt[MAX_TERMS];
  size_t len, nw, ndw;
  uint32_t k, kd;
  if (!float_array(env, argv[0], &dy, &len) || !float_array(env, argv[2], &w, &nw) ||
      !float_array(env, argv[4], &dw, &ndw))
    return fail(env, "dy, w and dw must be Float32Arrays");
  if (!float_arrays(env, argv[1], t, &k, len) || !float_arrays(env, argv[3], dt, &kd, len) || k != nw ||
      kd != k || ndw != nw)
    return fail(env, "terms and dterms: arrays of 1 to 32 Float32Arrays of dy's length, one per weight");
  for (uint32_t j = 0; j < k; j++) {
    const float wj = w[j];
    float *d = dt[j];
    for (size_t i = 0; i < len; i++) d[i] = wj * dy[i];
    dw[j] = (float)dot(t[j], dy, len);
  }
  return NULL;
}

static napi_value blas_config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value s;
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &s);
  return s;
}

NAPI_MODULE_INIT() {
  /* One thread per call: the product's parallelism is one worker per core. */
  openblas_set_num_threads(1);
  use_small_gemm = small_gemm_supported();
  napi_property_descriptor props[] = {
      {"conv2d", NULL, forward, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropInput", NULL, input_grad, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackpropFilter", NULL, filter_grad, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_default, NULL},
      {"sumColumns", NULL, sum_columns, NULL, NULL, NULL, napi_default, NULL},
      {"copyStrided", NULL, copy_strided, NULL, NULL, NULL, napi_default, NULL},
      {"blasConfig", NULL, blas_config, NULL, NULL, NULL, napi_default, NULL},
      {"gemmKernel", NULL, gemm_kernel, NULL, NULL, NULL, napi_default, NULL},
      {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_default, NULL},
      {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_default, NULL},
      {"weightedSum", NULL, weighted_sum, NULL, NULL, NULL, napi_default, NULL},
      {"weightedSumGrad", NULL, weighted_sum_grad, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
