/*
 * Fixed-point (Q15) real FFT with the arithmetic of the 16-bit FFT that the TFLite-Micro audio
 * frontend runs on the device: decimation in time, radix-4 stages (radix-2 for a leftover factor),
 * every butterfly input scaled down by its radix before the twiddle multiply, products rounded to
 * nearest (add 2^14, shift 15), sums wrapping in int16. The result equals the device's bit for bit,
 * which is what makes the spectrograms identical to those the model was trained on.
 *
 * Only the loop structure differs from the textbook recursion: the stages run iteratively on
 * separate real/imaginary int16 arrays (self-sorting, ping-pong buffers), with the inner loop always
 * over contiguous elements so the compiler can vectorise it. Every butterfly performs the same
 * integer operations on the same operands as the recursive form, so the output is unchanged.
 */
#ifndef KWS_FFT_H
#define KWS_FFT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Hot loops get an AVX2 clone next to the baseline build where the toolchain supports function
 * multi-versioning (GCC/Clang on x86-64 ELF); the loader picks the clone the CPU can run. Integer
 * arithmetic only, so every clone gives identical results. Build with -DKWS_HOT_LOOP= to disable.
 */
#if !defined(KWS_HOT_LOOP) && defined(__x86_64__) && defined(__ELF__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define KWS_HOT_LOOP __attribute__((target_clones("default", "avx2")))
#endif
#endif
#ifndef KWS_HOT_LOOP
#define KWS_HOT_LOOP
#endif

#define KWS_FFT_MAX_STAGES 16

typedef struct {
    int radix;              /* 2 or 4 */
    int sub_len;            /* m: length of the sub-transforms this stage combines */
    int n_sub;              /* r: how many combined transforms it produces (N / (radix * m)) */
    int by_k;               /* 1: inner loop over k (layout [p][k]); 0: over p (layout [k][p]) */
    int16_t *tw;            /* by_k: 2 * (radix - 1) arrays of m values (re, im per twiddle);
                               else 2 * (radix - 1) values per k */
} kws_fft_stage;

typedef struct {
    size_t n_real;          /* real input length (power of two, >= 4) */
    size_t n_cpx;           /* complex FFT length = n_real / 2 */
    int n_stages;
    kws_fft_stage stage[KWS_FFT_MAX_STAGES];  /* in processing order (innermost first) */
    int transpose_before;   /* stage index before which the [k][p] layout is transposed; -1 none */
    int16_t *tw_store;      /* backing memory of the stage twiddles */
    int16_t *split_re;      /* n_cpx / 2 twiddles for the real-input split step */
    int16_t *split_im;
    int16_t *buf;           /* 4 * n_cpx scratch: two complex buffers in split form */
} kws_rfft;

/* Returns 0 on success, -1 on allocation failure or an unsupported length. */
int kws_rfft_init(kws_rfft *fft, size_t n_real);
void kws_rfft_free(kws_rfft *fft);

/*
 * in_re / in_im: the real input read as n_cpx complex values (even samples and odd samples).
 * out_re / out_im: n_real / 2 + 1 bins. The inputs are not modified.
 */
void kws_rfft_forward_split(const kws_rfft *fft, const int16_t *in_re, const int16_t *in_im,
                            int16_t *out_re, int16_t *out_im);

#endif
