#include "kws_frontend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixed-point formats of the reference algorithm. */
#define WINDOW_BITS 12          /* Hann coefficients in Q12 */
#define FILTERBANK_BITS 12      /* filterbank weights in Q12 */
#define NR_BITS 14              /* noise-reduction smoothing factors in Q14 */
#define PCAN_SNR_BITS 12
#define PCAN_OUTPUT_BITS 6
#define PCAN_LUT_INTERVALS 32
#define LOG_SCALE_BITS 16       /* log2 in Q16 */
#define LOG_SEGMENT_BITS 7      /* 128 interpolation segments */
#define LOG_LN2_Q16 45426       /* round(ln(2) * 2^16) */
#define ACT_ALPHA_BITS 8
#define ACT_THRESHOLD_BITS 12
#define DC_COEF_BITS 15

static const double kPi = 3.14159265358979323846;

static int msb32(uint32_t n)
{
    return n == 0 ? 0 : 32 - __builtin_clz(n);
}

static float hz_to_mel(float hz)
{
    return (float)(1127.0 * log1p(hz / 700.0));
}

static int fail(char *err, size_t err_len, const char *msg)
{
    if (err && err_len) {
        snprintf(err, err_len, "%s", msg);
    }
    return -1;
}

/* ---------------------------------------------------------------- set-up ---------------------- */

static int setup_window(kws_frontend *fe)
{
    const int n = fe->win_size;
    fe->win_coef = malloc((size_t)n * sizeof(int16_t));
    fe->win_input = calloc((size_t)n, sizeof(int16_t));
    if (!fe->win_coef || !fe->win_input) {
        return -1;
    }
    /* Periodic Hann evaluated at sample centres, single-precision angle as in the reference. */
    const float step = (float)(kPi * 2.0 / (float)n);
    for (int i = 0; i < n; ++i) {
        float v = (float)(0.5 - 0.5 * cosf((float)(step * (i + 0.5))));
        fe->win_coef[i] = (int16_t)floor(v * (1 << WINDOW_BITS) + 0.5);
    }
    return 0;
}

static int setup_filterbank(kws_frontend *fe, char *err, size_t err_len)
{
    const kws_frontend_config *c = &fe->cfg;
    const int n_bands = c->n_channels + 1;
    const int spectrum_size = (int)fe->fft.n_real / 2 + 1;

    float *centre = malloc((size_t)n_bands * sizeof(float));
    if (!centre) {
        return fail(err, err_len, "out of memory");
    }
    const float mel_low = hz_to_mel(c->lower_band_limit);
    const float mel_high = hz_to_mel(c->upper_band_limit);
    const float mel_spacing = (mel_high - mel_low) / (float)n_bands;
    for (int b = 0; b < n_bands; ++b) {
        centre[b] = mel_low + mel_spacing * (float)(b + 1);
    }

    const float hz_per_bin = (float)(0.5 * c->sample_rate_hz / ((float)spectrum_size - 1));
    fe->fb_start = (int)(1.5 + c->lower_band_limit / hz_per_bin); /* DC is always excluded */

    /* First pass: where each band ends (a bin belongs to the first band whose centre is above it). The last band
     * may take the Nyquist bin (spectrum_size - 1), so the filterbank may end at spectrum_size, as TFLM's
     * FilterbankPopulateState allows (it refuses only end_index > spectrum_size): MLTK's keyword_spotting_pacman
     * puts filterbank_upper_band_limit at 8000 Hz of 16000 Hz. Counting one bin past the spectrum is enough
     * to know the bands do not fit. */
    int *band_end = malloc((size_t)n_bands * sizeof(int));
    if (!band_end) {
        free(centre);
        return fail(err, err_len, "out of memory");
    }
    int bin = fe->fb_start;
    for (int b = 0; b < n_bands; ++b) {
        while (bin <= spectrum_size && hz_to_mel((float)bin * hz_per_bin) <= centre[b]) {
            ++bin;
        }
        band_end[b] = bin;
    }
    fe->fb_end = bin;
    if (fe->fb_end > spectrum_size) {
        free(centre);
        free(band_end);
        return fail(err, err_len,
                    "filterbank_upper_band_limit lies above the Nyquist frequency: the filterbank "
                    "needs bins above the spectrum");
    }

    const int n_bins = fe->fb_end - fe->fb_start;
    fe->fb_band_first = malloc((size_t)(n_bands + 1) * sizeof(int));
    fe->fb_weight = malloc((size_t)(n_bins > 0 ? n_bins : 1) * sizeof(int16_t));
    fe->fb_unweight = malloc((size_t)(n_bins > 0 ? n_bins : 1) * sizeof(int16_t));
    const size_t n_alloc = (size_t)(n_bins > 0 ? n_bins : 1);
    fe->fb_weight32 = malloc(n_alloc * sizeof(uint32_t));
    fe->fb_unweight32 = malloc(n_alloc * sizeof(uint32_t));
    fe->fb_energy = malloc(n_alloc * sizeof(uint32_t));
    fe->fb_prod_w = malloc(n_alloc * sizeof(uint64_t));
    fe->fb_prod_u = malloc(n_alloc * sizeof(uint64_t));
    fe->fb_channel_sum = malloc((size_t)n_bands * sizeof(uint64_t));
    if (!fe->fb_band_first || !fe->fb_weight || !fe->fb_unweight || !fe->fb_weight32 ||
        !fe->fb_unweight32 || !fe->fb_energy || !fe->fb_prod_w || !fe->fb_prod_u ||
        !fe->fb_channel_sum) {
        free(centre);
        free(band_end);
        return fail(err, err_len, "out of memory");
    }

    /* Second pass: triangular weights, rising towards each band's centre, in Q12. */
    int first = fe->fb_start;
    for (int b = 0; b < n_bands; ++b) {
        fe->fb_band_first[b] = first;
        const float below = (b == 0) ? mel_low : centre[b - 1];
        for (int k = first; k < band_end[b]; ++k) {
            const float w = (centre[b] - hz_to_mel((float)k * hz_per_bin)) / (centre[b] - below);
            const int idx = k - fe->fb_start;
            fe->fb_weight[idx] = (int16_t)floor(w * (1 << FILTERBANK_BITS) + 0.5);
            fe->fb_unweight[idx] = (int16_t)floor((1.0 - w) * (1 << FILTERBANK_BITS) + 0.5);
            fe->fb_weight32[idx] = (uint32_t)(uint16_t)fe->fb_weight[idx];
            fe->fb_unweight32[idx] = (uint32_t)(uint16_t)fe->fb_unweight[idx];
            if (fe->fb_weight[idx] < 0 || fe->fb_unweight[idx] < 0) {
                fe->fb_weights_negative = 1;
            }
        }
        first = band_end[b];
    }
    fe->fb_band_first[n_bands] = fe->fb_end;
    free(centre);
    free(band_end);
    return 0;
}

static int16_t pcan_gain_at(const kws_frontend_config *c, int input_bits, uint32_t x)
{
    const float xf = (float)x / (float)((uint32_t)1 << input_bits);
    const float gain =
        (float)((uint32_t)1 << c->pcan_gain_bits) * powf(xf + c->pcan_offset, -c->pcan_strength);
    if (gain > 32767.0f) {
        return 32767;
    }
    return (int16_t)(gain + 0.5f);
}

/*
 * PCAN gain as a function of the noise estimate, tabulated as one quadratic segment per octave
 * (value, first and second coefficient) so the device evaluates it with integer arithmetic.
 */
static void setup_pcan(kws_frontend *fe, int input_bits)
{
    const kws_frontend_config *c = &fe->cfg;
    int16_t *lut = fe->pcan_lut;
    memset(lut, 0, sizeof(fe->pcan_lut));
    lut[0] = pcan_gain_at(c, input_bits, 0);
    lut[1] = pcan_gain_at(c, input_bits, 1);
    for (int octave = 2; octave <= PCAN_LUT_INTERVALS; ++octave) {
        const uint32_t x0 = (uint32_t)1 << (octave - 1);
        const uint32_t x1 = x0 + (x0 >> 1);
        const uint32_t x2 = (octave == PCAN_LUT_INTERVALS) ? x0 + (x0 - 1) : 2 * x0;
        const int16_t y0 = pcan_gain_at(c, input_bits, x0);
        const int16_t y1 = pcan_gain_at(c, input_bits, x1);
        const int16_t y2 = pcan_gain_at(c, input_bits, x2);
        const int32_t d1 = (int32_t)y1 - y0;
        const int32_t d2 = (int32_t)y2 - y0;
        const int32_t a1 = 4 * d1 - d2;
        const int32_t a2 = d2 - a1;
        int16_t *seg = lut + 4 * octave - 6;
        seg[0] = y0;
        seg[1] = (int16_t)a1;
        seg[2] = (int16_t)a2;
    }
}

static void setup_log(kws_frontend *fe)
{
    /* Correction of log2(1 + f) against its chord f, in Q16, at 128 + 1 points. */
    for (int i = 0; i < KWS_LOG_LUT_SIZE; ++i) {
        const double f = (double)i / (double)(KWS_LOG_LUT_SIZE - 1);
        fe->log_lut[i] = (uint16_t)floor((log2(1.0 + f) - f) * (double)(1 << LOG_SCALE_BITS) + 0.5);
    }
}

static int validate(const kws_frontend_config *c, char *err, size_t err_len)
{
    char msg[256];
    if (c->sample_rate_hz < 1000 || c->sample_rate_hz > 384000) {
        snprintf(msg, sizeof msg, "sample_rate_hz must be 1000..384000 (got %d)", c->sample_rate_hz);
        return fail(err, err_len, msg);
    }
    if (c->n_channels < 1 || c->n_channels > 256) {
        snprintf(msg, sizeof msg, "filterbank_n_channels must be 1..256 (got %d)", c->n_channels);
        return fail(err, err_len, msg);
    }
    if (c->window_size_ms < 1 || c->window_step_ms < 1) {
        return fail(err, err_len, "window_size_ms and window_step_ms must be at least 1");
    }
    const long win = (long)c->window_size_ms * c->sample_rate_hz / 1000;
    const long step = (long)c->window_step_ms * c->sample_rate_hz / 1000;
    if (win < 4 || step < 1) {
        return fail(err, err_len, "the window is shorter than 4 samples at this sample rate");
    }
    if (step > win) {
        return fail(err, err_len, "window_step_ms must not exceed window_size_ms");
    }
    if (win > 16384) {
        return fail(err, err_len, "window_size_ms is too long (more than 16384 samples)");
    }
    if (c->fft_length != 0) {
        long need = 1;
        while (need < win) {
            need <<= 1;
        }
        if (c->fft_length < win) {
            snprintf(msg, sizeof msg, "the window (%ld samples) is longer than fft_length (%d)", win,
                     c->fft_length);
            return fail(err, err_len, msg);
        }
        if (c->fft_length != need) {
            snprintf(msg, sizeof msg,
                     "fft_length must be the smallest power of two holding the window (%ld), got %d",
                     need, c->fft_length);
            return fail(err, err_len, msg);
        }
    }
    if (!(c->lower_band_limit >= 0.0f) || !(c->upper_band_limit > c->lower_band_limit)) {
        return fail(err, err_len,
                    "filterbank band limits must satisfy 0 <= lower_band_limit < upper_band_limit");
    }
    if (c->upper_band_limit > 0.5f * (float)c->sample_rate_hz) {
        return fail(err, err_len, "filterbank_upper_band_limit must not be above half the sample rate");
    }
    if (c->smoothing_bits < 0 || c->smoothing_bits > 16) {
        return fail(err, err_len, "noise_reduction_smoothing_bits must be 0..16");
    }
    if (!(c->even_smoothing >= 0.0f && c->even_smoothing <= 1.0f) ||
        !(c->odd_smoothing >= 0.0f && c->odd_smoothing <= 1.0f) ||
        !(c->min_signal_remaining >= 0.0f && c->min_signal_remaining <= 1.0f)) {
        return fail(err, err_len, "noise-reduction smoothing and min_signal_remaining must be 0..1");
    }
    if (c->pcan_enable && !c->noise_reduction_enable) {
        return fail(err, err_len, "pcan_enable needs noise_reduction_enable (PCAN uses its noise estimate)");
    }
    if (c->pcan_gain_bits < 1 || c->pcan_gain_bits > 30) {
        return fail(err, err_len, "pcan_gain_bits must be 1..30");
    }
    if (!(c->pcan_offset > 0.0f) || !(c->pcan_strength >= 0.0f)) {
        return fail(err, err_len, "pcan_offset must be > 0 and pcan_strength >= 0");
    }
    if (c->log_scale_shift < 0 || c->log_scale_shift > 15) {
        return fail(err, err_len, "log_scale_shift must be 0..15");
    }
    if (!(c->dc_notch_coefficient >= 0.0f && c->dc_notch_coefficient < 1.0f)) {
        return fail(err, err_len, "dc_notch_filter_coefficient must be in [0, 1)");
    }
    if (!(c->activity_alpha_a >= 0.0f && c->activity_alpha_a <= 1.0f) ||
        !(c->activity_alpha_b >= 0.0f && c->activity_alpha_b <= 1.0f) ||
        !(c->activity_arm_threshold >= 0.0f && c->activity_arm_threshold < 8.0f) ||
        !(c->activity_trip_threshold >= 0.0f && c->activity_trip_threshold < 8.0f)) {
        return fail(err, err_len, "activity detection alphas must be 0..1 and thresholds 0..8");
    }
    return 0;
}

int kws_frontend_init(kws_frontend *fe, const kws_frontend_config *cfg, char *err, size_t err_len)
{
    memset(fe, 0, sizeof(*fe));
    if (validate(cfg, err, err_len) != 0) {
        return -1;
    }
    fe->cfg = *cfg;
    fe->win_size = cfg->window_size_ms * cfg->sample_rate_hz / 1000;
    fe->win_step = cfg->window_step_ms * cfg->sample_rate_hz / 1000;
    if (setup_window(fe) != 0) {
        kws_frontend_free(fe);
        return fail(err, err_len, "out of memory");
    }

    size_t n_fft = 1;
    while (n_fft < (size_t)fe->win_size) {
        n_fft <<= 1;
    }
    if (n_fft < 4) {
        n_fft = 4;
    }
    fe->windowed = calloc((size_t)fe->win_size, sizeof(int16_t));
    fe->fft_in_re = calloc(n_fft / 2, sizeof(int16_t));
    fe->fft_in_im = calloc(n_fft / 2, sizeof(int16_t));
    fe->spec_re = calloc(n_fft / 2 + 1, sizeof(int16_t));
    fe->spec_im = calloc(n_fft / 2 + 1, sizeof(int16_t));
    if (!fe->windowed || !fe->fft_in_re || !fe->fft_in_im || !fe->spec_re || !fe->spec_im ||
        kws_rfft_init(&fe->fft, n_fft) != 0) {
        kws_frontend_free(fe);
        return fail(err, err_len, "out of memory");
    }
    if (setup_filterbank(fe, err, err_len) != 0) {
        kws_frontend_free(fe);
        return -1;
    }
    fe->signal = calloc((size_t)cfg->n_channels, sizeof(uint32_t));
    fe->nr_estimate = calloc((size_t)cfg->n_channels, sizeof(uint32_t));
    if (!fe->signal || !fe->nr_estimate) {
        kws_frontend_free(fe);
        return fail(err, err_len, "out of memory");
    }

    fe->nr_even = (uint16_t)(cfg->even_smoothing * (float)(1 << NR_BITS));
    fe->nr_odd = (uint16_t)(cfg->odd_smoothing * (float)(1 << NR_BITS));
    fe->nr_min_remaining = (uint16_t)(cfg->min_signal_remaining * (float)(1 << NR_BITS));

    /* The FFT's gain grows with its length; these bits bring the filterbank back to a fixed scale. */
    fe->correction_bits = msb32((uint32_t)n_fft) - 1 - FILTERBANK_BITS / 2;
    if (cfg->pcan_enable) {
        const int input_bits = cfg->smoothing_bits - fe->correction_bits;
        if (input_bits < 0) {
            kws_frontend_free(fe);
            return fail(err, err_len, "noise_reduction_smoothing_bits is too small for this FFT length");
        }
        fe->pcan_snr_shift = cfg->pcan_gain_bits - fe->correction_bits - PCAN_SNR_BITS;
        if (fe->pcan_snr_shift < 0) {
            kws_frontend_free(fe);
            return fail(err, err_len, "pcan_gain_bits is too small for this FFT length");
        }
        setup_pcan(fe, input_bits);
    }
    setup_log(fe);

    int scale = 0;
    while ((1 << scale) < cfg->n_channels) {
        ++scale;
    }
    fe->act_scale = scale;
    fe->act_alpha_a = (int16_t)(cfg->activity_alpha_a * (float)(1 << ACT_ALPHA_BITS));
    fe->act_alpha_b = (int16_t)(cfg->activity_alpha_b * (float)(1 << ACT_ALPHA_BITS));
    fe->act_arm_threshold = (int16_t)(cfg->activity_arm_threshold * (float)(1 << ACT_THRESHOLD_BITS));
    fe->act_trip_threshold = (int16_t)(cfg->activity_trip_threshold * (float)(1 << ACT_THRESHOLD_BITS));
    fe->dc_coef = (int16_t)(cfg->dc_notch_coefficient * (float)(1 << DC_COEF_BITS));

    kws_frontend_reset(fe);
    return 0;
}

void kws_frontend_free(kws_frontend *fe)
{
    free(fe->win_coef);
    free(fe->win_input);
    free(fe->windowed);
    free(fe->fft_in_re);
    free(fe->fft_in_im);
    free(fe->spec_re);
    free(fe->spec_im);
    kws_rfft_free(&fe->fft);
    free(fe->fb_band_first);
    free(fe->fb_weight);
    free(fe->fb_unweight);
    free(fe->fb_weight32);
    free(fe->fb_unweight32);
    free(fe->fb_energy);
    free(fe->fb_prod_w);
    free(fe->fb_prod_u);
    free(fe->fb_channel_sum);
    free(fe->signal);
    free(fe->nr_estimate);
    memset(fe, 0, sizeof(*fe));
}

void kws_frontend_reset(kws_frontend *fe)
{
    memset(fe->win_input, 0, (size_t)fe->win_size * sizeof(int16_t));
    fe->win_used = 0;
    fe->dc_prev_in = 0;
    fe->dc_prev_out = 0;
    memset(fe->nr_estimate, 0, (size_t)fe->cfg.n_channels * sizeof(uint32_t));
    fe->act_filter_a = 0;
    fe->act_filter_b = 0;
    fe->act_armed = 0;
    fe->act_tripped = 0;
}

/* ---------------------------------------------------------------- per frame ------------------- */

/* High-pass y[n] = x[n] - x[n-1] + a*y[n-1], a in Q15, rounded; state carries across chunks. */
static void dc_notch(kws_frontend *fe, const int16_t *in, int16_t *out, size_t n)
{
    int16_t prev_in = fe->dc_prev_in;
    int16_t prev_out = fe->dc_prev_out;
    for (size_t i = 0; i < n; ++i) {
        const int16_t diff = (int16_t)(in[i] - prev_in);
        const int32_t feedback = (int32_t)fe->dc_coef * prev_out;
        const int16_t y = (int16_t)(diff + (((feedback >> 14) + 1) >> 1));
        out[i] = y;
        prev_in = in[i];
        prev_out = y;
    }
    fe->dc_prev_in = prev_in;
    fe->dc_prev_out = prev_out;
}

/*
 * Square root rounded to nearest, as the device's digit-by-digit routine computes it: the floor
 * root r, plus one when the remainder exceeds r (unless r is already at the cap). Below 2^52 the
 * double-precision root truncates to the exact floor root (the distance from sqrt(v) to the next
 * integer is then larger than half an ulp); above, it is corrected to be exact.
 */
static inline uint64_t isqrt_rounded(uint64_t num, uint64_t cap)
{
    uint64_t r;
    if (num < ((uint64_t)1 << 52)) {
        r = (uint64_t)sqrt((double)(int64_t)num);
    } else {
        r = (uint64_t)sqrt((double)num);
        if (r > 0xFFFFFFFFu) {
            r = 0xFFFFFFFFu;
        }
        while (r * r > num) {
            --r;
        }
        while (r < 0xFFFFFFFFu && (r + 1) * (r + 1) <= num) {
            ++r;
        }
    }
    if (num - r * r > r && r != cap) {
        ++r;
    }
    return r;
}

/* sqrt of the filterbank energy; values below 2^32 use the 16-bit-result path as on the device. */
static inline uint32_t filterbank_sqrt(uint64_t v)
{
    if ((v >> 32) == 0) {
        return (uint32_t)(uint16_t)isqrt_rounded(v, 0xFFFFu);
    }
    return (uint32_t)isqrt_rounded(v, 0xFFFFFFFFu);
}

/* Per bin |X|^2 as the int32 the device keeps it in (wrapping at 2^31); returns 1 if any wrapped. */
KWS_HOT_LOOP
static int bin_energies(size_t n, const int16_t *restrict re, const int16_t *restrict im,
                        uint32_t *restrict energy)
{
    uint32_t any_negative = 0;
    for (size_t k = 0; k < n; ++k) {
        const uint32_t e = (uint32_t)((int32_t)re[k] * re[k]) + (uint32_t)((int32_t)im[k] * im[k]);
        energy[k] = e;
        any_negative |= e;
    }
    return (int)(any_negative >> 31);
}

/* Weighted energies of non-negative int32 energies and weights: exact 32 x 32 -> 64 products. */
KWS_HOT_LOOP
static void bin_products(size_t n, const uint32_t *restrict energy, const uint32_t *restrict w,
                         const uint32_t *restrict u, uint64_t *restrict pw, uint64_t *restrict pu)
{
    for (size_t k = 0; k < n; ++k) {
        pw[k] = (uint64_t)energy[k] * w[k];
        pu[k] = (uint64_t)energy[k] * u[k];
    }
}

/*
 * Triangular mel filterbank over |X|^2. Each band's bins are contiguous: a bin adds its weighted
 * energy to its band's rising-slope sum and its unweighted energy to the falling-slope sum;
 * channel c collects the rising slope of band c+1 and the falling slope of band c.
 */
static void filterbank(kws_frontend *fe, int scale_shift)
{
    const int n_bands = fe->cfg.n_channels + 1;
    const int start = fe->fb_start;
    const size_t n_bins = (size_t)(fe->fb_end - start);
    const int *restrict first = fe->fb_band_first;
    uint64_t *restrict pw = fe->fb_prod_w;
    uint64_t *restrict pu = fe->fb_prod_u;
    uint32_t *restrict signal = fe->signal;
    const int wrapped = bin_energies(n_bins, fe->spec_re + start, fe->spec_im + start, fe->fb_energy);
    if (!wrapped && !fe->fb_weights_negative) {
        bin_products(n_bins, fe->fb_energy, fe->fb_weight32, fe->fb_unweight32, pw, pu);
    } else {
        /* rare: an energy wrapped negative; the device sign-extends it to 64 bits */
        for (size_t k = 0; k < n_bins; ++k) {
            const uint64_t energy = (uint64_t)(int64_t)(int32_t)fe->fb_energy[k];
            pw[k] = (uint64_t)(int64_t)fe->fb_weight[k] * energy;
            pu[k] = (uint64_t)(int64_t)fe->fb_unweight[k] * energy;
        }
    }
    /* falling slope of band 0 first, then per band: rising slope closes channel b - 1 */
    uint64_t *restrict sums = fe->fb_channel_sum;
    uint64_t falling = 0;
    for (int k = first[0]; k < first[1]; ++k) {
        falling += pu[k - start];
    }
    uint64_t largest = 0;
    for (int b = 1; b < n_bands; ++b) {
        uint64_t rising = 0, next_falling = 0;
        for (int k = first[b]; k < first[b + 1]; ++k) {
            rising += pw[k - start];
            next_falling += pu[k - start];
        }
        sums[b - 1] = rising + falling;
        largest |= rising + falling;
        falling = next_falling;
    }
    /* the roots are independent: a separate pass lets them overlap in the pipeline */
    const int n_ch = n_bands - 1;
    if (largest < ((uint64_t)1 << 52)) {
        for (int c = 0; c < n_ch; ++c) {
            const uint64_t v = sums[c];
            uint64_t r = (uint64_t)(int64_t)sqrt((double)(int64_t)v);
            /* round to nearest; the 16-bit path (v < 2^32) cannot round past 0xFFFF */
            r += (v - r * r > r) & !((v >> 32) == 0 && r == 0xFFFFu);
            signal[c] = (uint32_t)r >> scale_shift;
        }
    } else {
        for (int c = 0; c < n_ch; ++c) {
            signal[c] = filterbank_sqrt(sums[c]) >> scale_shift;
        }
    }
}

static void activity_filter(int32_t in, int32_t *state, int16_t k)
{
    const int16_t one_minus_k = (int16_t)((1 << ACT_ALPHA_BITS) - k);
    const int64_t p = (int64_t)one_minus_k * in + (int64_t)k * *state;
    *state = (int32_t)(((p >> 7) + 1) >> 1);
}

static void activity_detect(kws_frontend *fe)
{
    uint32_t x = 0;
    for (int c = 0; c < fe->cfg.n_channels; ++c) {
        x += fe->signal[c];
    }
    x >>= fe->act_scale;
    activity_filter((int32_t)x, &fe->act_filter_a, fe->act_alpha_a);
    activity_filter((int32_t)x, &fe->act_filter_b, fe->act_alpha_b);
    if (!fe->act_armed) {
        const int32_t t = (int32_t)(((int64_t)fe->act_filter_b * fe->act_arm_threshold) >> 12);
        if (fe->act_filter_a < t) {
            fe->act_armed = 1;
        }
    } else {
        const int32_t t = (int32_t)(((int64_t)fe->act_filter_b * fe->act_trip_threshold) >> 12);
        if (fe->act_filter_a > t) {
            fe->act_armed = 0;
            fe->act_tripped = 1;
        }
    }
}

/*
 * Noise reduction (per-channel noise estimate, subtracted with a floor), PCAN gain control (the
 * noise estimate sets each channel's gain) and log scale, fused into one pass over the channels
 * with every setting held in a local so nothing is re-read from the state between channels.
 */
static inline uint32_t noise_reduce(uint32_t signal, uint32_t *restrict estimate_slot,
                                    uint32_t smoothing, uint32_t min_remaining, int bits)
{
    const uint32_t keep = (1u << NR_BITS) - smoothing;
    const uint32_t scaled = signal << bits;
    uint32_t estimate =
        (uint32_t)(((uint64_t)scaled * smoothing + (uint64_t)*estimate_slot * keep) >> NR_BITS);
    *estimate_slot = estimate;
    if (estimate > scaled) {
        estimate = scaled;
    }
    const uint32_t floor_value = (uint32_t)(((uint64_t)signal * min_remaining) >> NR_BITS);
    const uint32_t cleaned = (scaled - estimate) >> bits;
    return cleaned > floor_value ? cleaned : floor_value;
}

static inline int16_t pcan_gain(const int16_t *restrict lut, uint32_t noise)
{
    if (noise <= 2) {
        return lut[noise];
    }
    const int octave = msb32(noise);
    const int16_t *seg = lut + 4 * octave - 6;
    const int16_t frac =
        (int16_t)(((octave < 11) ? (noise << (11 - octave)) : (noise >> (octave - 11))) & 0x3FF);
    int32_t r = ((int32_t)seg[2] * frac) >> 5;
    r += (int32_t)((uint32_t)seg[1] << 5);
    r *= frac;
    r = (r + (1 << 14)) >> 15;
    r += seg[0];
    return (int16_t)r;
}

static inline uint32_t pcan_apply(uint32_t signal, uint32_t noise, const int16_t *restrict lut,
                                  int snr_shift)
{
    const uint32_t gain = (uint32_t)(int32_t)pcan_gain(lut, noise);
    const uint32_t snr = (uint32_t)(((uint64_t)signal * gain) >> snr_shift);
    if (snr < (2u << PCAN_SNR_BITS)) {
        return (snr * snr) >> (2 + 2 * PCAN_SNR_BITS - PCAN_OUTPUT_BITS);
    }
    return (snr >> (PCAN_SNR_BITS - PCAN_OUTPUT_BITS)) - (1u << PCAN_OUTPUT_BITS);
}

/* natural log in Q16 via log2 with a corrected linear interpolation, then scaled by 2^shift */
static inline uint32_t log_q(const uint16_t *restrict lut, int scale_shift, uint32_t x)
{
    const uint32_t int_part = (uint32_t)msb32(x) - 1;
    int32_t frac = (int32_t)(x - (uint32_t)(1ull << int_part));
    if (int_part < LOG_SCALE_BITS) {
        frac <<= LOG_SCALE_BITS - int_part;
    } else {
        frac >>= int_part - LOG_SCALE_BITS;
    }
    const uint32_t seg = (uint32_t)frac >> (LOG_SCALE_BITS - LOG_SEGMENT_BITS);
    const uint32_t seg_width = (1u << LOG_SCALE_BITS) >> LOG_SEGMENT_BITS;
    const int32_t c0 = lut[seg];
    const int32_t c1 = lut[seg + 1];
    const int32_t rel = ((c1 - c0) * (frac - (int32_t)(seg_width * seg))) >> LOG_SCALE_BITS;
    const uint32_t log2_q16 = (int_part << LOG_SCALE_BITS) + (uint32_t)(frac + c0 + rel);
    const uint32_t half = 1u << (LOG_SCALE_BITS - 1);
    const uint32_t ln_q16 = (uint32_t)(((uint64_t)LOG_LN2_Q16 * log2_q16 + half) >> LOG_SCALE_BITS);
    return ((ln_q16 << scale_shift) + half) >> LOG_SCALE_BITS;
}

static void channel_stages(kws_frontend *fe, uint16_t *restrict out)
{
    const int n_ch = fe->cfg.n_channels;
    const uint32_t *restrict signal = fe->signal;
    uint32_t *restrict estimate = fe->nr_estimate;
    const int nr_on = fe->cfg.noise_reduction_enable;
    const int pcan_on = fe->cfg.pcan_enable;
    const int log_on = fe->cfg.log_scale_enable;
    const uint32_t even = fe->nr_even, odd = fe->nr_odd, min_remaining = fe->nr_min_remaining;
    const int bits = fe->cfg.smoothing_bits;
    const int16_t *restrict pcan_lut = fe->pcan_lut;
    const int snr_shift = fe->pcan_snr_shift;
    const uint16_t *restrict log_lut = fe->log_lut;
    const int log_shift = fe->cfg.log_scale_shift;
    const int corr = fe->correction_bits;
    for (int c = 0; c < n_ch; ++c) {
        uint32_t v = signal[c];
        if (nr_on) {
            v = noise_reduce(v, &estimate[c], (c & 1) ? odd : even, min_remaining, bits);
        }
        if (pcan_on) {
            v = pcan_apply(v, estimate[c], pcan_lut, snr_shift);
        }
        if (log_on) {
            v = (corr < 0) ? (v >> -corr) : (v << corr);
            v = (v > 1) ? log_q(log_lut, log_shift, v) : 0;
        }
        out[c] = (uint16_t)(v < 0xFFFF ? v : 0xFFFF);
    }
}

/* Hann window in Q12; returns the largest |sample| as the device takes it in int16. */
KWS_HOT_LOOP
static int apply_window(size_t n, const int16_t *restrict in, const int16_t *restrict coef,
                        int16_t *restrict windowed)
{
    int16_t max_abs = 0;
    for (size_t i = 0; i < n; ++i) {
        const int16_t v = (int16_t)(((int32_t)in[i] * coef[i]) >> WINDOW_BITS);
        windowed[i] = v;
        /* |-32768| stays negative in int16 and never wins */
        const int16_t a = (int16_t)(v < 0 ? -v : v);
        max_abs = a > max_abs ? a : max_abs;
    }
    return max_abs;
}

/* Shift left by `shift` (in 16 bits) and split into even (real) and odd (imaginary) samples. */
KWS_HOT_LOOP
static void normalise_split(size_t pairs, const int16_t *restrict windowed, int shift,
                            int16_t *restrict zr, int16_t *restrict zi)
{
    for (size_t j = 0; j < pairs; ++j) {
        zr[j] = (int16_t)(uint16_t)((uint32_t)(uint16_t)windowed[2 * j] << shift);
        zi[j] = (int16_t)(uint16_t)((uint32_t)(uint16_t)windowed[2 * j + 1] << shift);
    }
}

static void compute_frame(kws_frontend *fe, uint16_t *out)
{
    const int n = fe->win_size;
    int16_t *windowed = fe->windowed;
    const int max_abs = apply_window((size_t)n, fe->win_input, fe->win_coef, windowed);
    /* Normalise the window to use the FFT's full 16-bit range; undone after the square root.
       The FFT reads the real signal as complex values: even samples real, odd imaginary. */
    const int shift = 15 - msb32((uint32_t)max_abs);
    int16_t *zr = fe->fft_in_re;
    int16_t *zi = fe->fft_in_im;
    const int pairs = n / 2;
    normalise_split((size_t)pairs, windowed, shift, zr, zi);
    if (n & 1) {
        zr[pairs] = (int16_t)(uint16_t)((uint32_t)(uint16_t)windowed[n - 1] << shift);
    }
    /* (the tail of the FFT input stays zero: it is never written) */
    kws_rfft_forward_split(&fe->fft, zr, zi, fe->spec_re, fe->spec_im);
    filterbank(fe, shift);
    if (fe->cfg.activity_enable) {
        activity_detect(fe);
    }
    channel_stages(fe, out);
}

size_t kws_frontend_feed(kws_frontend *fe, const int16_t *samples, size_t n_samples,
                         uint16_t *out, size_t max_frames, size_t *consumed)
{
    size_t used = 0;
    size_t frames = 0;
    const int n_ch = fe->cfg.n_channels;
    while (used < n_samples) {
        size_t take = (size_t)(fe->win_size - fe->win_used);
        if (take > n_samples - used) {
            take = n_samples - used;
        }
        if (fe->win_used + (int)take == fe->win_size && frames >= max_frames) {
            break; /* these samples would complete a frame there is no room for */
        }
        int16_t *dst = fe->win_input + fe->win_used;
        if (fe->cfg.dc_notch_enable) {
            dc_notch(fe, samples + used, dst, take);
        } else {
            memcpy(dst, samples + used, take * sizeof(int16_t));
        }
        used += take;
        fe->win_used += (int)take;
        if (fe->win_used < fe->win_size) {
            break;
        }
        compute_frame(fe, out + frames * (size_t)n_ch);
        ++frames;
        memmove(fe->win_input, fe->win_input + fe->win_step,
                (size_t)(fe->win_size - fe->win_step) * sizeof(int16_t));
        fe->win_used -= fe->win_step;
    }
    *consumed = used;
    return frames;
}

int kws_frontend_samples_to_next_frame(const kws_frontend *fe)
{
    return fe->win_size - fe->win_used;
}

int kws_frontend_take_activity(kws_frontend *fe)
{
    const int t = fe->act_tripped;
    fe->act_tripped = 0;
    return t;
}
