'use client';
import Icon from './Icon';
import { useEffect, useRef, useState } from 'react';
import { concatSamples, encodeWav, resample } from '@/lib/wav';

export const MAX_RECORD_SECONDS = 10;
const UPLOAD_RATE = 16000;

// Copies the microphone's raw PCM to the page; MediaRecorder only yields WebM/Opus, which the API does not read.
const CAPTURE_WORKLET = `
class CaptureProcessor extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor('muse-capture', CaptureProcessor);
`;

interface Session {
  context: AudioContext;
  stream: MediaStream;
  chunks: Float32Array[];
  frames: number;
  raf: number;
}

type Phase = 'idle' | 'starting' | 'recording' | 'encoding';

interface Props {
  onRecorded: (wav: File) => void;
  disabled?: boolean;
  /** the button's words while idle and while recording, for pages that do something else than search with it */
  startLabel?: string;
  stopLabel?: string;
}

/** Microphone capture (hum or sing) with a level meter and a hard 10 s limit, delivered as a 16 kHz WAV. */
export default function Recorder({ onRecorded, disabled, startLabel = 'Record (hum or sing)', stopLabel = 'Stop and search' }: Props) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [level, setLevel] = useState(0);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const session = useRef<Session | null>(null);

  const teardown = () => {
    const current = session.current;
    session.current = null;
    if (!current) return null;
    cancelAnimationFrame(current.raf);
    current.stream.getTracks().forEach((track) => track.stop());
    void current.context.close();
    return current;
  };

  useEffect(() => () => void teardown(), []);

  const finish = async () => {
    const done = teardown();
    setLevel(0);
    if (!done) return;
    setPhase('encoding');
    try {
      const samples = concatSamples(done.chunks).subarray(0, Math.round(MAX_RECORD_SECONDS * done.context.sampleRate));
      if (samples.length < done.context.sampleRate * 0.5) throw new Error('The recording is shorter than half a second. Hold the button a little longer.');
      const downsampled = await resample(samples, done.context.sampleRate, UPLOAD_RATE);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      onRecorded(new File([encodeWav(downsampled, UPLOAD_RATE)], `recording-${stamp}.wav`, { type: 'audio/wav' }));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setPhase('idle');
    }
  };

  const start = async () => {
    setError(null);
    setElapsed(0);
    setPhase('starting');
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('This browser cannot record audio here (the page needs https or localhost).');
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: true } });
      const context = new AudioContext();
      const moduleUrl = URL.createObjectURL(new Blob([CAPTURE_WORKLET], { type: 'text/javascript' }));
      await context.audioWorklet.addModule(moduleUrl);
      URL.revokeObjectURL(moduleUrl);
      const source = context.createMediaStreamSource(stream);
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      const capture = new AudioWorkletNode(context, 'muse-capture');
      const sink = context.createGain();
      sink.gain.value = 0;
      source.connect(analyser);
      source.connect(capture).connect(sink).connect(context.destination);
      const current: Session = { context, stream, chunks: [], frames: 0, raf: 0 };
      const limit = MAX_RECORD_SECONDS * context.sampleRate;
      capture.port.onmessage = (event: MessageEvent<Float32Array>) => {
        if (session.current !== current) return;
        current.chunks.push(event.data);
        current.frames += event.data.length;
        if (current.frames >= limit) void finish();
      };
      const buffer = new Float32Array(analyser.fftSize);
      const meter = () => {
        analyser.getFloatTimeDomainData(buffer);
        let sum = 0;
        for (const v of buffer) sum += v * v;
        const db = 20 * Math.log10(Math.sqrt(sum / buffer.length) + 1e-9);
        setLevel(Math.max(0, Math.min(1, (db + 60) / 60)));
        setElapsed(current.frames / context.sampleRate);
        current.raf = requestAnimationFrame(meter);
      };
      session.current = current;
      current.raf = requestAnimationFrame(meter);
      setPhase('recording');
    } catch (caught) {
      teardown();
      setPhase('idle');
      const name = caught instanceof DOMException ? caught.name : '';
      setError(
        name === 'NotAllowedError'
          ? 'Microphone access was refused. Allow it in the browser’s site settings, or drop an audio file instead.'
          : name === 'NotFoundError'
            ? 'No microphone was found. Plug one in, or drop an audio file instead.'
            : caught instanceof Error
              ? caught.message
              : String(caught),
      );
    }
  };

  const recording = phase === 'recording';
  return (
    <div className="stack" aria-live="polite">
      <div className="row">
        {recording ? (
          <button type="button" className="danger" onClick={() => void finish()}>
            <span className="rec-dot" aria-hidden="true" /> {stopLabel}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void start()} disabled={disabled || phase !== 'idle'}>
            <Icon name="mic" /> {phase === 'starting' ? 'Opening microphone…' : phase === 'encoding' ? 'Preparing…' : startLabel}
          </button>
        )}
        <span className="muted small mono" aria-label="Recorded time">
          {elapsed.toFixed(1)} / {MAX_RECORD_SECONDS.toFixed(1)} s
        </span>
      </div>
      <div className="meter" role="meter" aria-label="Input level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)}>
        <span style={{ width: `${Math.round(level * 100)}%` }} />
      </div>
      {error && (
        <p className="notice error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
