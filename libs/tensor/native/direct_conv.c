/*
 * Stride-1 convolutions as one matrix product per image and filter row, reading a
 * zero-padded copy of the input in place of an im2col matrix.
 *
 * In the padded copy (hp x wp pixels per image, hp = oh + dh (kh - 1), wp = ow + dw (kw - 1))
 * output pixel (row, col) reads, for filter tap (r, j), the pixel (row + r dh, col + j dw).
 * Numbering the outputs over the padded width, i = row * wp + col, that pixel is
 * i + r dh wp + j dw: the same stride in i for every tap. So one filter row's taps are, for
 * undilated filters, kw * cin consecutive floats at a fixed offset from pixel i, and the
 * convolution is kh products of (oh wp outputs) x (kw cin) x (cout), accumulated. Outputs in
 * the wp - ow extra columns of each row are computed and dropped (2 of 66 columns for a 3x3
 * filter on 64 pixels). The copy costs one pass over the input where im2col writes kh kw
 * values per input value. Dilated filters take one product per tap instead of per row.
 *
 * The input gradient is the forward convolution of dy, padded by the rest of the dilated
 * filter, with the filter rotated by 180 degrees and its channels swapped; the filter
 * gradient multiplies the same padded input, transposed, by dy laid out over the padded
 * width (zeros in the extra columns).
 */
#include "direct_conv.h"

#include <string.h>

#include "small_gemm.h"

static _Thread_local buffer_t padded_buffer, rows_buffer, filter_buffer;

/* Floats of slack after a padded image: the dropped columns of its last row read past it. */
static int64_t slack_of(const geom_t *g) { return (g->dw * (g->kw - 1) + 1) * g->cin; }

static int64_t padded_h(const geom_t *g) { return g->oh + g->dh * (g->kh - 1); }
static int64_t padded_w(const geom_t *g) { return g->ow + g->dw * (g->kw - 1); }

int direct_conv_applies(const geom_t *g) {
  return g->sh == 1 && g->sw == 1 && g->pt <= g->dh * (g->kh - 1) && g->pl <= g->dw * (g->kw - 1) &&
         padded_h(g) >= g->pt && padded_w(g) >= g->pl;
}

/*
 * Image `n` of x copied into a zeroed hp x wp x cin buffer at (pt, pl), plus slack; one
 * image at a time, so that the copy is still in the cache when the products read it. NULL
 * when out of memory.
 */
static float *padded_image(const geom_t *g, const float *x, int64_t n) {
  int64_t hp = padded_h(g), wp = padded_w(g), c = g->cin;
  int64_t len = hp * wp * c + slack_of(g);
  float *xp = grow(&padded_buffer, len);
  if (xp == NULL) return NULL;
  memset(xp, 0, (size_t)len * sizeof(float));
  int64_t rows = g->h < hp - g->pt ? g->h : hp - g->pt;
  int64_t cols = g->w < wp - g->pl ? g->w : wp - g->pl;
  for (int64_t ih = 0; ih < rows; ih++)
    memcpy(xp + ((ih + g->pt) * wp + g->pl) * c, x + ((n * g->h + ih) * g->w) * c, (size_t)(cols * c) * sizeof(float));
  return xp;
}

/* The products of one image: out[oh * wp x cout] = sum over taps of shifted xp_n times the tap's filter. */
static void image_products(const geom_t *g, const float *xp_n, const float *w, float *out) {
  int64_t wp = padded_w(g), c = g->cin, rows = g->oh * wp;
  for (int64_t r = 0; r < g->kh; r++) {
    const float *row = xp_n + r * g->dh * wp * c;
    if (g->dw == 1) {
      small_gemm(rows, g->cout, g->kw * c, row, c, 1, w + r * g->kw * c * g->cout, g->cout, out, g->cout, r > 0);
      continue;
    }
    for (int64_t j = 0; j < g->kw; j++)
      small_gemm(rows, g->cout, c, row + j * g->dw * c, c, 1, w + (r * g->kw + j) * c * g->cout, g->cout, out,
                 g->cout, r > 0 || j > 0);
  }
}

int direct_conv_forward(const geom_t *g, const float *x, const float *w, float *y) {
  int64_t wp = padded_w(g);
  float *out = grow(&rows_buffer, g->oh * wp * g->cout);
  if (out == NULL) return 0;
  for (int64_t n = 0; n < g->n; n++) {
    const float *xp = padded_image(g, x, n);
    if (xp == NULL) return 0;
    image_products(g, xp, w, out);
    for (int64_t row = 0; row < g->oh; row++)
      memcpy(y + ((n * g->oh + row) * g->ow) * g->cout, out + row * wp * g->cout,
             (size_t)(g->ow * g->cout) * sizeof(float));
  }
  return 1;
}

int direct_conv_input_grad(const geom_t *g, const float *dy, const float *w, float *dx) {
  /* dx = conv(dy, w rotated and transposed), padded by the rest of the dilated filter. */
  geom_t t = {g->n,  g->oh, g->ow, g->cout, g->h,  g->w,  g->cin, g->kh,
              g->kw, 1,     1,     g->dh,   g->dw, g->dh * (g->kh - 1) - g->pt, g->dw * (g->kw - 1) - g->pl};
  int64_t taps = g->kh * g->kw;
  float *wr = grow(&filter_buffer, taps * g->cin * g->cout);
  if (wr == NULL) return 0;
  for (int64_t k = 0; k < taps; k++)
    for (int64_t ci = 0; ci < g->cin; ci++)
      for (int64_t co = 0; co < g->cout; co++)
        wr[((taps - 1 - k) * g->cout + co) * g->cin + ci] = w[(k * g->cin + ci) * g->cout + co];
  return direct_conv_forward(&t, dy, wr, dx);
}

int direct_conv_filter_grad(const geom_t *g, const float *x, const float *dy, float *dw) {
  int64_t wp = padded_w(g), c = g->cin, co = g->cout, depth = g->oh * wp;
  float *dyp = grow(&rows_buffer, depth * co);
  if (dyp == NULL) return 0;
  for (int64_t n = 0; n < g->n; n++) {
    /* dy over the padded width, zeros in the extra columns. */
    for (int64_t row = 0; row < g->oh; row++) {
      float *d = dyp + row * wp * co;
      memcpy(d, dy + ((n * g->oh + row) * g->ow) * co, (size_t)(g->ow * co) * sizeof(float));
      memset(d + g->ow * co, 0, (size_t)((wp - g->ow) * co) * sizeof(float));
    }
    const float *xp = padded_image(g, x, n);
    if (xp == NULL) return 0;
    for (int64_t r = 0; r < g->kh; r++) {
      const float *row = xp + r * g->dh * wp * c;
      if (g->dw == 1) {
        small_gemm(g->kw * c, co, depth, row, 1, c, dyp, co, dw + r * g->kw * c * co, co, n > 0);
        continue;
      }
      for (int64_t j = 0; j < g->kw; j++)
        small_gemm(c, co, depth, row + j * g->dw * c, 1, c, dyp, co, dw + (r * g->kw + j) * c * co, co, n > 0);
    }
  }
  return 1;
}
