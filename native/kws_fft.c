#include "kws_fft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Q15_ONE 32767
#define Q15_HALF (1 << 14)
#define SCALE_HALF (Q15_ONE / 2)     /* radix-2 input scaling factor in Q15 */
#define SCALE_QUARTER (Q15_ONE / 4)  /* radix-4 input scaling factor in Q15 */

static const double kPi = 3.14159265358979323846264338327950288;

/*
 * The per-butterfly arithmetic, spelt out once. All of it is int32 arithmetic on int16 operands
 * with the result truncated back to int16 (which is how the device wraps), exactly as the
 * reference performs it; the loops below only change the order in which butterflies run.
 */
/* Scale a value down by `radix` the fixed-point way: multiply by floor(32767 / radix), round Q15. */
#define Q15_SCALE(v, f) ((int16_t)(((int32_t)(v) * (f) + Q15_HALF) >> 15))
/* Real and imaginary parts of a Q15 complex product, rounded to nearest. */
#define Q15_MUL_RE(ar, ai, wr, wi) \
    ((int16_t)(((int32_t)(ar) * (wr) - (int32_t)(ai) * (wi) + Q15_HALF) >> 15))
#define Q15_MUL_IM(ar, ai, wr, wi) \
    ((int16_t)(((int32_t)(ar) * (wi) + (int32_t)(ai) * (wr) + Q15_HALF) >> 15))

/* Unit phasor in Q15 with round-half-up, the device's twiddle table convention. */
static void q15_phasor(double phase, int16_t *re, int16_t *im)
{
    *re = (int16_t)floor(0.5 + Q15_ONE * cos(phase));
    *im = (int16_t)floor(0.5 + Q15_ONE * sin(phase));
}

/* ------------------------------------------------------------------ butterfly runs ------------ */

/* One radix-4 butterfly at index j of the runs named in radix4_run. */
#define RADIX4_BUTTERFLY(W1R, W1I, W2R, W2I, W3R, W3I)                                            \
    do {                                                                                          \
        const int16_t a0r = Q15_SCALE(xr[j], SCALE_QUARTER);                                      \
        const int16_t a0i = Q15_SCALE(xi[j], SCALE_QUARTER);                                      \
        const int16_t a1r = Q15_SCALE(xr[is + j], SCALE_QUARTER);                                 \
        const int16_t a1i = Q15_SCALE(xi[is + j], SCALE_QUARTER);                                 \
        const int16_t a2r = Q15_SCALE(xr[2 * is + j], SCALE_QUARTER);                             \
        const int16_t a2i = Q15_SCALE(xi[2 * is + j], SCALE_QUARTER);                             \
        const int16_t a3r = Q15_SCALE(xr[3 * is + j], SCALE_QUARTER);                             \
        const int16_t a3i = Q15_SCALE(xi[3 * is + j], SCALE_QUARTER);                             \
        const int16_t b1r = Q15_MUL_RE(a1r, a1i, W1R, W1I), b1i = Q15_MUL_IM(a1r, a1i, W1R, W1I); \
        const int16_t b2r = Q15_MUL_RE(a2r, a2i, W2R, W2I), b2i = Q15_MUL_IM(a2r, a2i, W2R, W2I); \
        const int16_t b3r = Q15_MUL_RE(a3r, a3i, W3R, W3I), b3i = Q15_MUL_IM(a3r, a3i, W3R, W3I); \
        const int16_t edr = (int16_t)(a0r - b2r), edi = (int16_t)(a0i - b2i);                     \
        const int16_t esr = (int16_t)(a0r + b2r), esi = (int16_t)(a0i + b2i);                     \
        const int16_t osr = (int16_t)(b1r + b3r), osi = (int16_t)(b1i + b3i);                     \
        const int16_t odr = (int16_t)(b1r - b3r), odi = (int16_t)(b1i - b3i);                     \
        y0r[j] = (int16_t)(esr + osr);                                                            \
        y0i[j] = (int16_t)(esi + osi);                                                            \
        y2r[j] = (int16_t)(esr - osr);                                                            \
        y2i[j] = (int16_t)(esi - osi);                                                            \
        /* odd_diff times -i (forward transform) */                                               \
        y1r[j] = (int16_t)(edr + odi);                                                            \
        y1i[j] = (int16_t)(edi - odr);                                                            \
        y3r[j] = (int16_t)(edr - odi);                                                            \
        y3i[j] = (int16_t)(edi + odr);                                                            \
    } while (0)

/*
 * n radix-4 butterflies on contiguous runs: input q of butterfly j is (xr[q * is + j],
 * xi[q * is + j]), output t goes to (y<t>r[j], y<t>i[j]). The twiddles are either the same for the
 * whole run (tw_len 0: w1 re, w1 im, w2 re, w2 im, w3 re, w3 im) or one per butterfly (six arrays
 * of tw_len values in that order). Every pointer is a parameter so `restrict` lets the compiler
 * vectorise the loop without run-time alias checks.
 */
KWS_HOT_LOOP
static void radix4_run(size_t n, const int16_t *restrict xr, const int16_t *restrict xi, size_t is,
                       int16_t *restrict y0r, int16_t *restrict y0i, int16_t *restrict y1r,
                       int16_t *restrict y1i, int16_t *restrict y2r, int16_t *restrict y2i,
                       int16_t *restrict y3r, int16_t *restrict y3i, const int16_t *restrict tw,
                       size_t tw_len)
{
    if (tw_len == 0) {
        const int32_t w1r = tw[0], w1i = tw[1], w2r = tw[2], w2i = tw[3], w3r = tw[4], w3i = tw[5];
        for (size_t j = 0; j < n; ++j) {
            RADIX4_BUTTERFLY(w1r, w1i, w2r, w2i, w3r, w3i);
        }
    } else {
        const int16_t *restrict w1r = tw, *restrict w1i = tw + tw_len;
        const int16_t *restrict w2r = tw + 2 * tw_len, *restrict w2i = tw + 3 * tw_len;
        const int16_t *restrict w3r = tw + 4 * tw_len, *restrict w3i = tw + 5 * tw_len;
        for (size_t j = 0; j < n; ++j) {
            RADIX4_BUTTERFLY(w1r[j], w1i[j], w2r[j], w2i[j], w3r[j], w3i[j]);
        }
    }
}

/* n radix-2 butterflies; twiddles fixed (tw_len 0: w[0], w[1]) or arrays of tw_len values. */
KWS_HOT_LOOP
static void radix2_run(size_t n, const int16_t *restrict x0r, const int16_t *restrict x0i,
                       const int16_t *restrict x1r, const int16_t *restrict x1i,
                       int16_t *restrict y0r, int16_t *restrict y0i, int16_t *restrict y1r,
                       int16_t *restrict y1i, const int16_t *restrict tw, size_t tw_len)
{
#define RADIX2_BUTTERFLY(WR, WI)                                                                  \
    do {                                                                                          \
        const int16_t ar = Q15_SCALE(x0r[j], SCALE_HALF), ai = Q15_SCALE(x0i[j], SCALE_HALF);     \
        const int16_t br = Q15_SCALE(x1r[j], SCALE_HALF), bi = Q15_SCALE(x1i[j], SCALE_HALF);     \
        const int16_t tr = Q15_MUL_RE(br, bi, WR, WI), ti = Q15_MUL_IM(br, bi, WR, WI);           \
        y0r[j] = (int16_t)(ar + tr);                                                              \
        y0i[j] = (int16_t)(ai + ti);                                                              \
        y1r[j] = (int16_t)(ar - tr);                                                              \
        y1i[j] = (int16_t)(ai - ti);                                                              \
    } while (0)
    if (tw_len == 0) {
        const int32_t wr = tw[0], wi = tw[1];
        for (size_t j = 0; j < n; ++j) {
            RADIX2_BUTTERFLY(wr, wi);
        }
    } else {
        const int16_t *restrict wr = tw, *restrict wi = tw + tw_len;
        for (size_t j = 0; j < n; ++j) {
            RADIX2_BUTTERFLY(wr[j], wi[j]);
        }
    }
#undef RADIX2_BUTTERFLY
}

/* ------------------------------------------------------------------ set-up -------------------- */

int kws_rfft_init(kws_rfft *fft, size_t n_real)
{
    memset(fft, 0, sizeof(*fft));
    fft->transpose_before = -1;
    if (n_real < 4 || (n_real & (n_real - 1)) != 0) {
        return -1;
    }
    const size_t n = n_real / 2;
    fft->n_real = n_real;
    fft->n_cpx = n;

    /* Factor the complex length outermost first: powers of four, then a single two if needed. */
    int radix[KWS_FFT_MAX_STAGES];
    int n_stages = 0;
    size_t rest = n;
    while (rest > 1) {
        if (n_stages >= KWS_FFT_MAX_STAGES) {
            return -1;
        }
        radix[n_stages] = (rest % 4 == 0) ? 4 : 2;
        rest /= (size_t)radix[n_stages];
        n_stages++;
    }
    fft->n_stages = n_stages;

    /* Full twiddle table exp(-2 pi i k / n), from which each stage takes its own contiguous copy. */
    int16_t *full_re = malloc((n > 0 ? n : 1) * sizeof(int16_t));
    int16_t *full_im = malloc((n > 0 ? n : 1) * sizeof(int16_t));
    fft->tw_store = malloc((6 * n + 6 * (size_t)KWS_FFT_MAX_STAGES) * sizeof(int16_t));
    fft->split_re = malloc((n / 2 + 1) * sizeof(int16_t));
    fft->split_im = malloc((n / 2 + 1) * sizeof(int16_t));
    fft->buf = malloc(4 * n * sizeof(int16_t));
    if (!full_re || !full_im || !fft->tw_store || !fft->split_re || !fft->split_im || !fft->buf) {
        free(full_re);
        free(full_im);
        kws_rfft_free(fft);
        return -1;
    }
    for (size_t k = 0; k < n; ++k) {
        q15_phasor(-2.0 * kPi * (double)k / (double)n, &full_re[k], &full_im[k]);
    }
    for (size_t k = 0; k < n / 2; ++k) {
        q15_phasor(-kPi * ((double)(k + 1) / (double)n + 0.5), &fft->split_re[k], &fft->split_im[k]);
    }

    /* Processing order is innermost (sub-length 1) first. */
    int16_t *tw = fft->tw_store;
    size_t m = 1;
    for (int i = 0; i < n_stages; ++i) {
        kws_fft_stage *st = &fft->stage[i];
        const int p = radix[n_stages - 1 - i];
        const size_t r = n / ((size_t)p * m);
        st->radix = p;
        st->sub_len = (int)m;
        st->n_sub = (int)r;
        st->by_k = r < m;
        if (st->by_k && fft->transpose_before < 0) {
            fft->transpose_before = i;
        }
        st->tw = tw;
        /* twiddle q (1..p-1) of butterfly k is exp(-2 pi i q k r / n) */
        if (st->by_k) {
            for (int q = 1; q < p; ++q) {
                for (size_t k = 0; k < m; ++k) {
                    tw[(size_t)(2 * (q - 1)) * m + k] = full_re[q * k * r];
                    tw[(size_t)(2 * (q - 1) + 1) * m + k] = full_im[q * k * r];
                }
            }
        } else {
            for (size_t k = 0; k < m; ++k) {
                for (int q = 1; q < p; ++q) {
                    tw[k * (size_t)(2 * (p - 1)) + (size_t)(2 * (q - 1))] = full_re[q * k * r];
                    tw[k * (size_t)(2 * (p - 1)) + (size_t)(2 * (q - 1)) + 1] = full_im[q * k * r];
                }
            }
        }
        tw += (size_t)(2 * (p - 1)) * m;
        m *= (size_t)p;
    }
    free(full_re);
    free(full_im);
    return 0;
}

void kws_rfft_free(kws_rfft *fft)
{
    free(fft->tw_store);
    free(fft->split_re);
    free(fft->split_im);
    free(fft->buf);
    fft->tw_store = fft->split_re = fft->split_im = fft->buf = NULL;
}

/* ------------------------------------------------------------------ transform ----------------- */

/*
 * Layouts: after combining into transforms of length m there are R = n / m of them, transform p
 * holding the DFT of z[p], z[p + R], z[p + 2R], ... Layout [k][p] stores bin k of transform p at
 * k * R + p; layout [p][k] at p * m + k. Both coincide for m = 1 (the input) and R = 1 (the
 * output). A stage with few transforms (r < m) runs on [p][k] so its inner loop is long.
 */
static void run_stage(const kws_fft_stage *st, size_t n, const int16_t *xr, const int16_t *xi,
                      int16_t *yr, int16_t *yi)
{
    const size_t p = (size_t)st->radix;
    const size_t m = (size_t)st->sub_len;
    const size_t r = (size_t)st->n_sub;
    (void)n;
    if (!st->by_k) {
        /* [k][p] in and out: for bin k, inputs q are runs at k * p * r + q * r, outputs t at
           (k + m t) * r, each r long; the twiddles are constant along a run. */
        for (size_t k = 0; k < m; ++k) {
            const int16_t *w = st->tw + k * 2 * (p - 1);
            const size_t in0 = k * p * r;
            if (p == 4) {
                radix4_run(r, xr + in0, xi + in0, r, yr + k * r, yi + k * r, yr + (k + m) * r,
                           yi + (k + m) * r, yr + (k + 2 * m) * r, yi + (k + 2 * m) * r,
                           yr + (k + 3 * m) * r, yi + (k + 3 * m) * r, w, 0);
            } else {
                radix2_run(r, xr + in0, xi + in0, xr + in0 + r, xi + in0 + r, yr + k * r, yi + k * r,
                           yr + (k + m) * r, yi + (k + m) * r, w, 0);
            }
        }
    } else {
        /* [p][k] in and out: for transform j, inputs q are runs at (j + q r) * m, outputs t at
           j * p * m + t * m, each m long, with one twiddle per k. */
        for (size_t j = 0; j < r; ++j) {
            const size_t out0 = j * p * m;
            if (p == 4) {
                radix4_run(m, xr + j * m, xi + j * m, r * m, yr + out0, yi + out0, yr + out0 + m,
                           yi + out0 + m, yr + out0 + 2 * m, yi + out0 + 2 * m, yr + out0 + 3 * m,
                           yi + out0 + 3 * m, st->tw, m);
            } else {
                radix2_run(m, xr + j * m, xi + j * m, xr + (j + r) * m, xi + (j + r) * m, yr + out0,
                           yi + out0, yr + out0 + m, yi + out0 + m, st->tw, m);
            }
        }
    }
}

/* [k][p] (m rows of R) to [p][k] */
static void transpose(size_t m, size_t big_r, const int16_t *restrict xr, const int16_t *restrict xi,
                      int16_t *restrict yr, int16_t *restrict yi)
{
    for (size_t k = 0; k < m; ++k) {
        for (size_t p = 0; p < big_r; ++p) {
            yr[p * m + k] = xr[k * big_r + p];
            yi[p * m + k] = xi[k * big_r + p];
        }
    }
}

/* Bin k of the real transform (and bin n - k) from z[k] and z[n - k], as the device computes it. */
#define SPLIT_BIN(FR_SRC, FI_SRC, GR_SRC, GI_SRC, WR, WI, OUT_KR, OUT_KI, OUT_NKR, OUT_NKI)         \
    do {                                                                                          \
        const int16_t fr = Q15_SCALE(FR_SRC, SCALE_HALF), fi = Q15_SCALE(FI_SRC, SCALE_HALF);     \
        const int16_t gr = Q15_SCALE(GR_SRC, SCALE_HALF);                                         \
        const int16_t gi = Q15_SCALE((int16_t)(-(GI_SRC)), SCALE_HALF);                           \
        const int16_t sr = (int16_t)(fr + gr), si = (int16_t)(fi + gi);                           \
        const int16_t dr = (int16_t)(fr - gr), di = (int16_t)(fi - gi);                           \
        const int16_t tr = Q15_MUL_RE(dr, di, WR, WI), ti = Q15_MUL_IM(dr, di, WR, WI);           \
        OUT_KR = (int16_t)((sr + tr) >> 1);                                                       \
        OUT_KI = (int16_t)((si + ti) >> 1);                                                       \
        OUT_NKR = (int16_t)((sr - tr) >> 1);                                                      \
        OUT_NKI = (int16_t)((ti - si) >> 1);                                                      \
    } while (0)

/*
 * Bins 1 .. h - 1 where h = n / 2: f = z[k] runs forwards, g = z[n - k] is given reversed (g[k] =
 * z[n - k]) and the bins n - k are written reversed too (lo[k] = bin n - k), so the loop is
 * contiguous and vectorises; the caller reverses them into place.
 */
KWS_HOT_LOOP
static void split_run(size_t h, const int16_t *restrict zr, const int16_t *restrict zi,
                      const int16_t *restrict g_r, const int16_t *restrict g_i,
                      const int16_t *restrict swr, const int16_t *restrict swi,
                      int16_t *restrict hi_r, int16_t *restrict hi_i, int16_t *restrict lo_r,
                      int16_t *restrict lo_i)
{
    for (size_t k = 1; k < h; ++k) {
        SPLIT_BIN(zr[k], zi[k], g_r[k], g_i[k], (int32_t)swr[k - 1], (int32_t)swi[k - 1], hi_r[k],
                  hi_i[k], lo_r[k], lo_i[k]);
    }
}

/* Real-input split step: bins 0..n of the real transform from the n-point complex transform z. */
static void split_real(const kws_rfft *fft, const int16_t *zr, const int16_t *zi, int16_t *scratch,
                       int16_t *out_re, int16_t *out_im)
{
    const size_t n = fft->n_cpx;
    const size_t h = n / 2;
    const int16_t dcr = Q15_SCALE(zr[0], SCALE_HALF), dci = Q15_SCALE(zi[0], SCALE_HALF);
    out_re[0] = (int16_t)(dcr + dci);
    out_im[0] = 0;
    out_re[n] = (int16_t)(dcr - dci);
    out_im[n] = 0;
    /* scratch: g_r, g_i, lo_r, lo_i, each h long (index 0 unused) */
    int16_t *g_r = scratch, *g_i = scratch + h, *lo_r = scratch + 2 * h, *lo_i = scratch + 3 * h;
    for (size_t k = 1; k < h; ++k) {
        g_r[k] = zr[n - k];
        g_i[k] = zi[n - k];
    }
    split_run(h, zr, zi, g_r, g_i, fft->split_re, fft->split_im, out_re, out_im, lo_r, lo_i);
    for (size_t k = 1; k < h; ++k) {
        out_re[n - k] = lo_r[k];
        out_im[n - k] = lo_i[k];
    }
    /* k = h: bins k and n - k coincide and the n - k values stand */
    int16_t unused_r, unused_i;
    SPLIT_BIN(zr[h], zi[h], zr[n - h], zi[n - h], (int32_t)fft->split_re[h - 1],
              (int32_t)fft->split_im[h - 1], unused_r, unused_i, out_re[h], out_im[h]);
    (void)unused_r;
    (void)unused_i;
}

void kws_rfft_forward_split(const kws_rfft *fft, const int16_t *in_re, const int16_t *in_im,
                            int16_t *out_re, int16_t *out_im)
{
    const size_t n = fft->n_cpx;
    int16_t *bufs[2][2] = {{fft->buf, fft->buf + n}, {fft->buf + 2 * n, fft->buf + 3 * n}};
    const int16_t *cur_r = in_re, *cur_i = in_im;
    int which = 0;
    for (int i = 0; i < fft->n_stages; ++i) {
        const kws_fft_stage *st = &fft->stage[i];
        if (i == fft->transpose_before) {
            transpose((size_t)st->sub_len, n / (size_t)st->sub_len, cur_r, cur_i, bufs[which][0],
                      bufs[which][1]);
            cur_r = bufs[which][0];
            cur_i = bufs[which][1];
            which ^= 1;
        }
        run_stage(st, n, cur_r, cur_i, bufs[which][0], bufs[which][1]);
        cur_r = bufs[which][0];
        cur_i = bufs[which][1];
        which ^= 1;
    }
    /* the buffer not holding the result is free scratch for the split step */
    split_real(fft, cur_r, cur_i, bufs[which][0], out_re, out_im);
}
