// The geometry basic-pitch's network was trained with (basic_pitch/constants.py; the shipped model's input is
// [batch, 43844] and its outputs [batch, 172, 88]). Fixed by the weights: change none of them.

export const BASIC_PITCH_SAMPLE_RATE = 22_050;
/** samples between output frames (≈ 86 frames per second) */
export const FFT_HOP = 256;
/** samples per network window: 2 s less one hop */
export const WINDOW_SAMPLES = 2 * BASIC_PITCH_SAMPLE_RATE - FFT_HOP;
/** output frames per window */
export const WINDOW_FRAMES = 172;
/** frames shared by neighbouring windows; half of them is cut from each side of a window's output */
export const OVERLAP_FRAMES = 30;
export const OVERLAP_SAMPLES = OVERLAP_FRAMES * FFT_HOP;
/** samples from one window's start to the next's */
export const WINDOW_HOP_SAMPLES = WINDOW_SAMPLES - OVERLAP_SAMPLES;
/** pitch of the first of the 88 note bins (A0) */
export const LOWEST_MIDI_PITCH = 21;
export const NOTE_BINS = 88;
