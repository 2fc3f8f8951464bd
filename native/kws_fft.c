#include "kws_fft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Q15_ONE 32767
#define Q15_HALF (1 << 14)

static const double kPi = 3.14159265358979323846264338327950288;

/* Round a Q30 product back to Q15, as the device's FFT does (result wraps into int16). */
static inline int16_t q15_round(int32_t x)
{
    return (int16_t)((x + Q15_HALF) >> 15);
}

/* Scale a value down by `radix` the fixed-point way: multiply by floor(32767 / radix) in Q15. */
static inline int16_t q15_scale_down(int16_t v, int32_t factor)
{
    return q15_round((int32_t)v * factor);
}

static inline kws_cpx16 cpx_scale_down(kws_cpx16 a, int32_t factor)
{
    kws_cpx16 r = {q15_scale_down(a.re, factor), q15_scale_down(a.im, factor)};
    return r;
}

static inline kws_cpx16 cpx_mul(kws_cpx16 a, kws_cpx16 b)
{
    kws_cpx16 r;
    r.re = q15_round((int32_t)a.re * b.re - (int32_t)a.im * b.im);
    r.im = q15_round((int32_t)a.re * b.im + (int32_t)a.im * b.re);
    return r;
}

static inline kws_cpx16 cpx_add(kws_cpx16 a, kws_cpx16 b)
{
    kws_cpx16 r = {(int16_t)(a.re + b.re), (int16_t)(a.im + b.im)};
    return r;
}

static inline kws_cpx16 cpx_sub(kws_cpx16 a, kws_cpx16 b)
{
    kws_cpx16 r = {(int16_t)(a.re - b.re), (int16_t)(a.im - b.im)};
    return r;
}

/* Unit phasor in Q15 with round-half-up, the device's twiddle table convention. */
static kws_cpx16 q15_phasor(double phase)
{
    kws_cpx16 r;
    r.re = (int16_t)floor(0.5 + Q15_ONE * cos(phase));
    r.im = (int16_t)floor(0.5 + Q15_ONE * sin(phase));
    return r;
}

int kws_rfft_init(kws_rfft *fft, size_t n_real)
{
    memset(fft, 0, sizeof(*fft));
    if (n_real < 4 || (n_real & (n_real - 1)) != 0) {
        return -1;
    }
    fft->n_real = n_real;
    fft->n_cpx = n_real / 2;

    /* Factor the complex length: powers of four first, a single two last if needed. */
    size_t rest = fft->n_cpx;
    while (rest > 1) {
        if (fft->n_stages >= KWS_FFT_MAX_STAGES) {
            return -1;
        }
        int radix = (rest % 4 == 0) ? 4 : 2;
        rest /= (size_t)radix;
        fft->radix[fft->n_stages] = radix;
        fft->sub_len[fft->n_stages] = rest;
        fft->n_stages++;
    }

    fft->twiddles = malloc(fft->n_cpx * sizeof(kws_cpx16));
    fft->split_tw = malloc((fft->n_cpx / 2 + 1) * sizeof(kws_cpx16));
    fft->work = malloc(fft->n_cpx * sizeof(kws_cpx16));
    if (!fft->twiddles || !fft->split_tw || !fft->work) {
        kws_rfft_free(fft);
        return -1;
    }
    for (size_t k = 0; k < fft->n_cpx; ++k) {
        fft->twiddles[k] = q15_phasor(-2.0 * kPi * (double)k / (double)fft->n_cpx);
    }
    for (size_t k = 0; k < fft->n_cpx / 2; ++k) {
        fft->split_tw[k] = q15_phasor(-kPi * ((double)(k + 1) / (double)fft->n_cpx + 0.5));
    }
    return 0;
}

void kws_rfft_free(kws_rfft *fft)
{
    free(fft->twiddles);
    free(fft->split_tw);
    free(fft->work);
    fft->twiddles = fft->split_tw = fft->work = NULL;
}

static void radix2_stage(const kws_rfft *fft, kws_cpx16 *x, size_t m, size_t tw_step)
{
    const int32_t half = Q15_ONE / 2;
    for (size_t k = 0; k < m; ++k) {
        kws_cpx16 a = cpx_scale_down(x[k], half);
        kws_cpx16 b = cpx_scale_down(x[k + m], half);
        kws_cpx16 t = cpx_mul(b, fft->twiddles[k * tw_step]);
        x[k + m] = cpx_sub(a, t);
        x[k] = cpx_add(a, t);
    }
}

static void radix4_stage(const kws_rfft *fft, kws_cpx16 *x, size_t m, size_t tw_step)
{
    const int32_t quarter = Q15_ONE / 4;
    for (size_t k = 0; k < m; ++k) {
        kws_cpx16 a0 = cpx_scale_down(x[k], quarter);
        kws_cpx16 a1 = cpx_scale_down(x[k + m], quarter);
        kws_cpx16 a2 = cpx_scale_down(x[k + 2 * m], quarter);
        kws_cpx16 a3 = cpx_scale_down(x[k + 3 * m], quarter);

        kws_cpx16 b1 = cpx_mul(a1, fft->twiddles[k * tw_step]);
        kws_cpx16 b2 = cpx_mul(a2, fft->twiddles[2 * k * tw_step]);
        kws_cpx16 b3 = cpx_mul(a3, fft->twiddles[3 * k * tw_step]);

        kws_cpx16 even_diff = cpx_sub(a0, b2);
        kws_cpx16 even_sum = cpx_add(a0, b2);
        kws_cpx16 odd_sum = cpx_add(b1, b3);
        kws_cpx16 odd_diff = cpx_sub(b1, b3);

        x[k + 2 * m] = cpx_sub(even_sum, odd_sum);
        x[k] = cpx_add(even_sum, odd_sum);
        /* multiply odd_diff by -i (forward transform) */
        x[k + m].re = (int16_t)(even_diff.re + odd_diff.im);
        x[k + m].im = (int16_t)(even_diff.im - odd_diff.re);
        x[k + 3 * m].re = (int16_t)(even_diff.re - odd_diff.im);
        x[k + 3 * m].im = (int16_t)(even_diff.im + odd_diff.re);
    }
}

/* Recursive decimation in time: `out` receives the DFT of in[0], in[stride], in[2*stride], ... */
static void dit(const kws_rfft *fft, kws_cpx16 *out, const kws_cpx16 *in, size_t stride, int stage)
{
    const int p = fft->radix[stage];
    const size_t m = fft->sub_len[stage];
    if (m == 1) {
        for (int q = 0; q < p; ++q) {
            out[q] = in[(size_t)q * stride];
        }
    } else {
        for (int q = 0; q < p; ++q) {
            dit(fft, out + (size_t)q * m, in + (size_t)q * stride, stride * (size_t)p, stage + 1);
        }
    }
    if (p == 4) {
        radix4_stage(fft, out, m, stride);
    } else {
        radix2_stage(fft, out, m, stride);
    }
}

void kws_rfft_forward(const kws_rfft *fft, const int16_t *in, kws_cpx16 *out)
{
    const size_t n = fft->n_cpx;
    kws_cpx16 *z = fft->work;
    /* The real signal is read as n complex values (even samples real, odd samples imaginary). */
    dit(fft, z, (const kws_cpx16 *)(const void *)in, 1, 0);

    const int32_t half = Q15_ONE / 2;
    kws_cpx16 dc = cpx_scale_down(z[0], half);
    out[0].re = (int16_t)(dc.re + dc.im);
    out[0].im = 0;
    out[n].re = (int16_t)(dc.re - dc.im);
    out[n].im = 0;

    for (size_t k = 1; k <= n / 2; ++k) {
        kws_cpx16 fk = cpx_scale_down(z[k], half);
        kws_cpx16 fnk_conj = {z[n - k].re, (int16_t)(-z[n - k].im)};
        fnk_conj = cpx_scale_down(fnk_conj, half);
        kws_cpx16 sum = cpx_add(fk, fnk_conj);
        kws_cpx16 diff = cpx_sub(fk, fnk_conj);
        kws_cpx16 t = cpx_mul(diff, fft->split_tw[k - 1]);
        out[k].re = (int16_t)((sum.re + t.re) >> 1);
        out[k].im = (int16_t)((sum.im + t.im) >> 1);
        out[n - k].re = (int16_t)((sum.re - t.re) >> 1);
        out[n - k].im = (int16_t)((t.im - sum.im) >> 1);
    }
}
