// Audio prompts → MIDI: the AudioTranscriber that preparePrompt takes. Decode (any format @muse/embeddings reads),
// mono, resample to 22,050 Hz, basic-pitch's network, its note decoder, a tempo from the onsets, a MIDI file on
// that beat. The model is loaded on the first call (not at construction: refusals and callers that never
// transcribe do not open it) and then kept for the transcriber's life.
import type { AudioTranscriber } from '../imagic/prompt.js';
import { badInput } from '../imagic/errors.js';
import { AUDIO_PROMPT_MAX_SECONDS, readAudioPrompt } from './audio-input.js';
import { BasicPitchModel, type ModelFacts } from './basic-pitch-model.js';
import { activationsToNotes, type TranscribedNote } from './note-events.js';
import { transcriptionMidi, transcriptionTimeline, type TranscriptionTimeline } from './notes-to-midi.js';
import { estimateTempo, type TempoEstimate } from './tempo.js';

export interface TranscriberOptions {
  /** longest accepted audio, seconds (default AUDIO_PROMPT_MAX_SECONDS) */
  maxSeconds?: number;
  /** share of the work done, 0 → 1, per call (the network's windows are most of it) */
  onProgress?: (fraction: number) => void;
}

export interface Transcription {
  /** Standard MIDI File: one piano track, 4/4, at `timeline.bpm` */
  midi: Uint8Array;
  /** in the audio's own seconds (the MIDI's tick 0 is `timeline.startSeconds`) */
  notes: TranscribedNote[];
  tempo: TempoEstimate;
  timeline: TranscriptionTimeline;
  audioSeconds: number;
  model: ModelFacts;
  timings: { decodeMs: number; modelLoadMs: number; networkMs: number; notesMs: number; totalMs: number };
}

/** progress shares of the stages: decoding is quick, the network is most of the time */
const PROGRESS = { decoded: 0.05, network: 0.9 } as const;

export class BasicPitchTranscriber {
  readonly maxSeconds: number;
  private model?: Promise<BasicPitchModel>;

  constructor(private readonly options: TranscriberOptions = {}) {
    this.maxSeconds = options.maxSeconds ?? AUDIO_PROMPT_MAX_SECONDS;
    if (!(this.maxSeconds > 0 && Number.isFinite(this.maxSeconds))) throw new RangeError(`maxSeconds must be a positive number, got ${options.maxSeconds}`);
  }

  /** The model, loaded on the first call; a failed load is retried by the next call. */
  loadModel(): Promise<BasicPitchModel> {
    this.model ??= BasicPitchModel.load().catch((error: unknown) => {
      this.model = undefined;
      throw error;
    });
    return this.model;
  }

  async transcribe(audio: Uint8Array): Promise<Transcription> {
    const progress = this.options.onProgress;
    const started = performance.now();
    progress?.(0);
    const input = await readAudioPrompt(audio, this.maxSeconds);
    const decoded = performance.now();
    progress?.(PROGRESS.decoded);
    const model = await this.loadModel();
    const loaded = performance.now();
    const activations = await model.activations(input.samples, progress && ((f) => progress(PROGRESS.decoded + f * (PROGRESS.network - PROGRESS.decoded))));
    const ran = performance.now();
    const notes = await activationsToNotes(activations);
    if (notes.length === 0) {
      throw badInput('no notes were found in the audio prompt: it needs pitched sound (a melody, a bass line, chords), not only drums or noise');
    }
    const tempo = estimateTempo(notes.map((n) => ({ seconds: n.onsetSeconds, weight: n.velocity / 127 })));
    const timeline = transcriptionTimeline(notes, tempo);
    const midi = transcriptionMidi(notes, timeline);
    const finished = performance.now();
    progress?.(1);
    return {
      midi, notes, tempo, timeline, audioSeconds: input.seconds, model: model.facts,
      timings: { decodeMs: decoded - started, modelLoadMs: loaded - decoded, networkMs: ran - loaded, notesMs: finished - ran, totalMs: finished - started },
    };
  }

  /** closes the model's session; a later call loads it again */
  async dispose(): Promise<void> {
    const model = this.model;
    this.model = undefined;
    if (model) await (await model.catch(() => undefined))?.dispose();
  }
}

/**
 * An AudioTranscriber (audio file bytes → MIDI file bytes) with basic-pitch. Refusals are GenerationError
 * BAD_USER_INPUT: empty, undecodable, longer than `maxSeconds`, silent, or no notes found.
 */
export function createBasicPitchTranscriber(options: { maxSeconds?: number; onProgress?: (fraction: number) => void } = {}): AudioTranscriber {
  const transcriber = new BasicPitchTranscriber(options);
  return async (audio) => (await transcriber.transcribe(audio)).midi;
}
