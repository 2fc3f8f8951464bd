/*
 * The TFLite-Micro audio frontend as Silicon Labs' MLTK configures it for keyword spotting:
 * optional DC notch -> Hann window -> Q15 real FFT -> power spectrum -> triangular mel filterbank
 * -> square root -> noise reduction -> PCAN gain control -> log scale, all in integer arithmetic
 * so that the spectrogram is the one the EFR32 firmware computes (and the model was trained on).
 *
 * Written from the published algorithm; numeric types of every set-up computation (float vs
 * double) follow the reference so that filter weights and lookup tables come out identical.
 */
#ifndef KWS_FRONTEND_H
#define KWS_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

#include "kws_fft.h"

typedef struct {
    int sample_rate_hz;
    int window_size_ms;
    int window_step_ms;
    int fft_length;             /* 0: derive (smallest power of two >= window) */
    int n_channels;
    float lower_band_limit;
    float upper_band_limit;
    int noise_reduction_enable;
    int smoothing_bits;
    float even_smoothing;
    float odd_smoothing;
    float min_signal_remaining;
    int pcan_enable;
    float pcan_strength;
    float pcan_offset;
    int pcan_gain_bits;
    int log_scale_enable;
    int log_scale_shift;
    int activity_enable;
    float activity_alpha_a;
    float activity_alpha_b;
    float activity_arm_threshold;
    float activity_trip_threshold;
    int dc_notch_enable;
    float dc_notch_coefficient;
} kws_frontend_config;

#define KWS_PCAN_LUT_SIZE 125
#define KWS_LOG_LUT_SIZE 129

typedef struct {
    kws_frontend_config cfg;

    /* window */
    int win_size;
    int win_step;
    int16_t *win_coef;
    int16_t *win_input;
    int win_used;

    /* DC notch (first-order high-pass applied to samples as they enter the window) */
    int16_t dc_coef;
    int16_t dc_prev_in;
    int16_t dc_prev_out;

    /* FFT */
    kws_rfft fft;
    int16_t *windowed;      /* win_size windowed samples */
    int16_t *fft_in_re;     /* n_cpx: even samples (normalised), zero tail */
    int16_t *fft_in_im;     /* n_cpx: odd samples */
    int16_t *spec_re;       /* n_cpx + 1 bins */
    int16_t *spec_im;

    /* filterbank: bins [fb_start, fb_end) each belong to one of n_channels + 1 bands */
    int fb_start;
    int fb_end;
    int *fb_band_first;     /* per band: first bin (absolute), n_bands + 1 entries */
    int16_t *fb_weight;
    int16_t *fb_unweight;
    uint32_t *fb_weight32;  /* the same weights widened, for the vectorised products */
    uint32_t *fb_unweight32;
    int fb_weights_negative; /* 1: some weight < 0, take the exact generic path */
    uint32_t *fb_energy;    /* per bin |X|^2 (int32 bit pattern) */
    uint64_t *fb_prod_w;    /* per bin weight * energy */
    uint64_t *fb_prod_u;
    uint64_t *fb_channel_sum; /* per channel energy before the square root */
    uint32_t *signal;       /* per-channel values flowing through the later stages */

    /* noise reduction */
    uint16_t nr_even;
    uint16_t nr_odd;
    uint16_t nr_min_remaining;
    uint32_t *nr_estimate;

    /* PCAN */
    int16_t pcan_lut[KWS_PCAN_LUT_SIZE];
    int pcan_snr_shift;

    /* log */
    uint16_t log_lut[KWS_LOG_LUT_SIZE];
    int correction_bits;

    /* activity detection */
    int act_scale;
    int16_t act_alpha_a;
    int16_t act_alpha_b;
    int16_t act_arm_threshold;
    int16_t act_trip_threshold;
    int32_t act_filter_a;
    int32_t act_filter_b;
    int act_armed;
    int act_tripped;
} kws_frontend;

/* Returns 0 on success; otherwise a message in err. The state starts reset. */
int kws_frontend_init(kws_frontend *fe, const kws_frontend_config *cfg, char *err, size_t err_len);
void kws_frontend_free(kws_frontend *fe);
void kws_frontend_reset(kws_frontend *fe);

/*
 * Consumes samples until they run out or the next one would complete a frame beyond max_frames
 * (n_channels uint16 values per frame). Returns the frames written; *consumed receives the
 * samples used (the rest must be fed again).
 */
size_t kws_frontend_feed(kws_frontend *fe, const int16_t *samples, size_t n_samples,
                         uint16_t *out, size_t max_frames, size_t *consumed);

/* Samples the window still needs before the next frame is produced. */
int kws_frontend_samples_to_next_frame(const kws_frontend *fe);

/* 1 if activity detection tripped since the last call (then clears it). */
int kws_frontend_take_activity(kws_frontend *fe);

#endif
