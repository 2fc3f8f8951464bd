/*
 * Fixed-point (Q15) real FFT with the arithmetic of the 16-bit FFT that the TFLite-Micro audio
 * frontend runs on the device: decimation in time, radix-4 stages (radix-2 for a leftover factor),
 * every butterfly input scaled down by its radix before the twiddle multiply, products rounded to
 * nearest (add 2^14, shift 15), sums wrapping in int16. The result equals the device's bit for bit,
 * which is what makes the spectrograms identical to those the model was trained on.
 */
#ifndef KWS_FFT_H
#define KWS_FFT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int16_t re;
    int16_t im;
} kws_cpx16;

#define KWS_FFT_MAX_STAGES 16

typedef struct {
    size_t n_real;          /* real input length (power of two, >= 4) */
    size_t n_cpx;           /* complex FFT length = n_real / 2 */
    int n_stages;
    int radix[KWS_FFT_MAX_STAGES];   /* outermost stage first */
    size_t sub_len[KWS_FFT_MAX_STAGES];
    kws_cpx16 *twiddles;    /* n_cpx entries: exp(-2 pi i k / n_cpx) in Q15 */
    kws_cpx16 *split_tw;    /* n_cpx / 2 entries for the real-input split step */
    kws_cpx16 *work;        /* n_cpx scratch */
} kws_rfft;

/* Returns 0 on success, -1 on allocation failure or an unsupported length. */
int kws_rfft_init(kws_rfft *fft, size_t n_real);
void kws_rfft_free(kws_rfft *fft);
/* in: n_real int16 samples; out: n_real / 2 + 1 bins. */
void kws_rfft_forward(const kws_rfft *fft, const int16_t *in, kws_cpx16 *out);

#endif
