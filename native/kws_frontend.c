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

static int msb64(uint64_t n)
{
    return n == 0 ? 0 : 64 - __builtin_clzll(n);
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

    /* First pass: where each band ends (a bin belongs to the first band whose centre is above it). */
    int *band_end = malloc((size_t)n_bands * sizeof(int));
    if (!band_end) {
        free(centre);
        return fail(err, err_len, "out of memory");
    }
    int bin = fe->fb_start;
    for (int b = 0; b < n_bands; ++b) {
        while (bin < spectrum_size && hz_to_mel((float)bin * hz_per_bin) <= centre[b]) {
            ++bin;
        }
        band_end[b] = bin;
    }
    fe->fb_end = bin;
    if (fe->fb_end >= spectrum_size) {
        free(centre);
        free(band_end);
        return fail(err, err_len,
                    "filterbank_upper_band_limit reaches the Nyquist frequency: the filterbank "
                    "needs bins above the spectrum");
    }

    const int n_bins = fe->fb_end - fe->fb_start;
    fe->fb_band = malloc((size_t)(n_bins > 0 ? n_bins : 1) * sizeof(int16_t));
    fe->fb_weight = malloc((size_t)(n_bins > 0 ? n_bins : 1) * sizeof(int16_t));
    fe->fb_unweight = malloc((size_t)(n_bins > 0 ? n_bins : 1) * sizeof(int16_t));
    fe->fb_acc_weight = calloc((size_t)n_bands, sizeof(uint64_t));
    fe->fb_acc_unweight = calloc((size_t)n_bands, sizeof(uint64_t));
    if (!fe->fb_band || !fe->fb_weight || !fe->fb_unweight || !fe->fb_acc_weight ||
        !fe->fb_acc_unweight) {
        free(centre);
        free(band_end);
        return fail(err, err_len, "out of memory");
    }

    /* Second pass: triangular weights, rising towards each band's centre, in Q12. */
    int first = fe->fb_start;
    for (int b = 0; b < n_bands; ++b) {
        const float below = (b == 0) ? mel_low : centre[b - 1];
        for (int k = first; k < band_end[b]; ++k) {
            const float w = (centre[b] - hz_to_mel((float)k * hz_per_bin)) / (centre[b] - below);
            const int idx = k - fe->fb_start;
            fe->fb_band[idx] = (int16_t)b;
            fe->fb_weight[idx] = (int16_t)floor(w * (1 << FILTERBANK_BITS) + 0.5);
            fe->fb_unweight[idx] = (int16_t)floor((1.0 - w) * (1 << FILTERBANK_BITS) + 0.5);
        }
        first = band_end[b];
    }
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
    if (c->upper_band_limit >= 0.5f * (float)c->sample_rate_hz) {
        return fail(err, err_len, "filterbank_upper_band_limit must be below half the sample rate");
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
    fe->fft_input = calloc(n_fft, sizeof(int16_t));
    fe->fft_output = calloc(n_fft / 2 + 1, sizeof(kws_cpx16));
    if (!fe->fft_input || !fe->fft_output || kws_rfft_init(&fe->fft, n_fft) != 0) {
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
    free(fe->fft_input);
    free(fe->fft_output);
    kws_rfft_free(&fe->fft);
    free(fe->fb_band);
    free(fe->fb_weight);
    free(fe->fb_unweight);
    free(fe->fb_acc_weight);
    free(fe->fb_acc_unweight);
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
 * root r, plus one when the remainder exceeds r (unless r is already at the cap). The floor root
 * comes from the FPU and is corrected to be exact for every 64-bit input.
 */
static uint64_t isqrt_rounded(uint64_t num, uint64_t cap)
{
    if (num == 0) {
        return 0;
    }
    uint64_t r = (uint64_t)sqrt((double)num);
    if (r > 0xFFFFFFFFu) {
        r = 0xFFFFFFFFu;
    }
    while (r * r > num) {
        --r;
    }
    while (r < 0xFFFFFFFFu && (r + 1) * (r + 1) <= num) {
        ++r;
    }
    if (num - r * r > r && r != cap) {
        ++r;
    }
    return r;
}

/* sqrt of the filterbank energy; values below 2^32 use the 16-bit-result path as on the device. */
static uint32_t filterbank_sqrt(uint64_t v)
{
    if ((v >> 32) == 0) {
        return (uint32_t)(uint16_t)isqrt_rounded(v, 0xFFFFu);
    }
    return (uint32_t)isqrt_rounded(v, 0xFFFFFFFFu);
}

static void filterbank(kws_frontend *fe, int scale_shift)
{
    const int n_bands = fe->cfg.n_channels + 1;
    uint64_t *acc_w = fe->fb_acc_weight;
    uint64_t *acc_u = fe->fb_acc_unweight;
    memset(acc_w, 0, (size_t)n_bands * sizeof(uint64_t));
    memset(acc_u, 0, (size_t)n_bands * sizeof(uint64_t));
    const kws_cpx16 *spec = fe->fft_output;
    for (int k = fe->fb_start; k < fe->fb_end; ++k) {
        const int32_t re = spec[k].re;
        const int32_t im = spec[k].im;
        /* |X|^2 is kept in a signed 32-bit slot on the device: reproduce its wrap at 2^31. */
        const uint32_t mag = (uint32_t)(re * re) + (uint32_t)(im * im);
        const uint64_t energy = (uint64_t)(int64_t)(int32_t)mag;
        const int idx = k - fe->fb_start;
        const int b = fe->fb_band[idx];
        acc_w[b] += (uint64_t)fe->fb_weight[idx] * energy;
        acc_u[b] += (uint64_t)fe->fb_unweight[idx] * energy;
    }
    /* channel c collects the rising slope of band c+1 and the falling slope of band c */
    for (int c = 0; c < fe->cfg.n_channels; ++c) {
        fe->signal[c] = filterbank_sqrt(acc_w[c + 1] + acc_u[c]) >> scale_shift;
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

static void noise_reduction(kws_frontend *fe)
{
    const int bits = fe->cfg.smoothing_bits;
    for (int c = 0; c < fe->cfg.n_channels; ++c) {
        const uint32_t smoothing = (c & 1) ? fe->nr_odd : fe->nr_even;
        const uint32_t keep = (1u << NR_BITS) - smoothing;
        const uint32_t scaled = fe->signal[c] << bits;
        uint32_t estimate = (uint32_t)(((uint64_t)scaled * smoothing +
                                        (uint64_t)fe->nr_estimate[c] * keep) >> NR_BITS);
        fe->nr_estimate[c] = estimate;
        if (estimate > scaled) {
            estimate = scaled;
        }
        const uint32_t floor_value =
            (uint32_t)(((uint64_t)fe->signal[c] * fe->nr_min_remaining) >> NR_BITS);
        const uint32_t cleaned = (scaled - estimate) >> bits;
        fe->signal[c] = cleaned > floor_value ? cleaned : floor_value;
    }
}

static int16_t pcan_gain(const int16_t *lut, uint32_t noise)
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

static void pcan(kws_frontend *fe)
{
    for (int c = 0; c < fe->cfg.n_channels; ++c) {
        const uint32_t gain = (uint32_t)(int32_t)pcan_gain(fe->pcan_lut, fe->nr_estimate[c]);
        const uint32_t snr = (uint32_t)(((uint64_t)fe->signal[c] * gain) >> fe->pcan_snr_shift);
        uint32_t out;
        if (snr < (2u << PCAN_SNR_BITS)) {
            out = (snr * snr) >> (2 + 2 * PCAN_SNR_BITS - PCAN_OUTPUT_BITS);
        } else {
            out = (snr >> (PCAN_SNR_BITS - PCAN_OUTPUT_BITS)) - (1u << PCAN_OUTPUT_BITS);
        }
        fe->signal[c] = out;
    }
}

static uint32_t log_q(const kws_frontend *fe, uint32_t x)
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
    const int32_t c0 = fe->log_lut[seg];
    const int32_t c1 = fe->log_lut[seg + 1];
    const int32_t rel = ((c1 - c0) * (frac - (int32_t)(seg_width * seg))) >> LOG_SCALE_BITS;
    const uint32_t log2_q16 = (int_part << LOG_SCALE_BITS) + (uint32_t)(frac + c0 + rel);
    const uint32_t half = 1u << (LOG_SCALE_BITS - 1);
    const uint32_t ln_q16 = (uint32_t)(((uint64_t)LOG_LN2_Q16 * log2_q16 + half) >> LOG_SCALE_BITS);
    return ((ln_q16 << fe->cfg.log_scale_shift) + half) >> LOG_SCALE_BITS;
}

static void log_scale(kws_frontend *fe, uint16_t *out)
{
    const int corr = fe->correction_bits;
    for (int c = 0; c < fe->cfg.n_channels; ++c) {
        uint32_t v = fe->signal[c];
        if (fe->cfg.log_scale_enable) {
            v = (corr < 0) ? (v >> -corr) : (v << corr);
            v = (v > 1) ? log_q(fe, v) : 0;
        }
        out[c] = (uint16_t)(v < 0xFFFF ? v : 0xFFFF);
    }
}

static void compute_frame(kws_frontend *fe, uint16_t *out)
{
    const int n = fe->win_size;
    const int16_t *restrict in = fe->win_input;
    const int16_t *restrict coef = fe->win_coef;
    int16_t *restrict windowed = fe->fft_input;
    int max_abs = 0;
    for (int i = 0; i < n; ++i) {
        const int16_t v = (int16_t)(((int32_t)in[i] * coef[i]) >> WINDOW_BITS);
        windowed[i] = v;
        /* |v| as the device takes it in int16 (|-32768| stays negative and never wins) */
        const int a = (int16_t)(v < 0 ? -v : v);
        max_abs = a > max_abs ? a : max_abs;
    }
    /* Normalise the window to use the FFT's full 16-bit range; undone after the square root. */
    const int shift = 15 - msb32((uint32_t)max_abs);
    for (int i = 0; i < n; ++i) {
        windowed[i] = (int16_t)(uint16_t)((uint32_t)(uint16_t)windowed[i] << shift);
    }
    /* (the tail of fft_input stays zero: it is never written) */
    kws_rfft_forward(&fe->fft, fe->fft_input, fe->fft_output);
    filterbank(fe, shift);
    if (fe->cfg.activity_enable) {
        activity_detect(fe);
    }
    if (fe->cfg.noise_reduction_enable) {
        noise_reduction(fe);
    }
    if (fe->cfg.pcan_enable) {
        pcan(fe);
    }
    log_scale(fe, out);
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
