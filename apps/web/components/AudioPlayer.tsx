'use client';
import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '@/lib/format';

const BARS = 120;

/** Peaks of the decoded audio, one per bar, 0..1. */
async function loadPeaks(src: string, signal: AbortSignal): Promise<Float32Array> {
  const response = await fetch(src, { signal });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const context = new OfflineAudioContext(1, 1, 44100);
  const audio = await context.decodeAudioData(bytes);
  const data = audio.getChannelData(0);
  const peaks = new Float32Array(BARS);
  const step = Math.max(1, Math.floor(data.length / BARS));
  let max = 0;
  for (let bar = 0; bar < BARS; bar++) {
    let peak = 0;
    for (let i = bar * step, end = Math.min(data.length, i + step); i < end; i++) peak = Math.max(peak, Math.abs(data[i]));
    peaks[bar] = peak;
    max = Math.max(max, peak);
  }
  if (max > 0) for (let bar = 0; bar < BARS; bar++) peaks[bar] /= max;
  return peaks;
}

function cssVar(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || '#888';
}

/**
 * Play/pause, a waveform drawn from the decoded audio that doubles as a seek bar, and the time. `onTime`
 * hears the position and length as they change (the Generate page's piano roll follows the playhead).
 */
export default function AudioPlayer({ src, label, onTime }: { src: string; label: string; onTime?: (seconds: number, duration: number) => void }) {
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [peaks, setPeaks] = useState<Float32Array | null>(null);
  const [waveError, setWaveError] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [playError, setPlayError] = useState<string | null>(null);
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setPeaks(null);
    setWaveError(false);
    loadPeaks(src, controller.signal).then(setPeaks, () => !controller.signal.aborted && setWaveError(true));
    return () => controller.abort();
  }, [src]);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ratio = window.devicePixelRatio || 1;
    const width = el.clientWidth * ratio;
    const height = el.clientHeight * ratio;
    el.width = width;
    el.height = height;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    const played = duration > 0 ? position / duration : 0;
    const accent = cssVar(el, '--accent');
    const dim = cssVar(el, '--line');
    const barWidth = width / BARS;
    for (let bar = 0; bar < BARS; bar++) {
      const value = peaks ? Math.max(0.04, peaks[bar]) : 0.08;
      const h = value * (height - 6);
      ctx.fillStyle = bar / BARS < played ? accent : dim;
      ctx.fillRect(bar * barWidth + barWidth * 0.15, (height - h) / 2, barWidth * 0.7, h);
    }
  }, [peaks, position, duration]);

  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) {
      setPlayError(null);
      document.querySelectorAll('audio').forEach((other) => other !== el && other.pause());
      el.play().catch((error: unknown) => {
        if (!(error instanceof DOMException && error.name === 'AbortError')) setPlayError('This browser cannot play this file.');
      });
    } else el.pause();
  };

  const seekTo = (fraction: number) => {
    const el = audio.current;
    if (el && Number.isFinite(el.duration)) el.currentTime = Math.max(0, Math.min(1, fraction)) * el.duration;
  };

  return (
    <div className="player" data-waveform={peaks ? 'ready' : waveError ? 'error' : 'loading'}>
      <button type="button" className="play" onClick={toggle} aria-label={`${playing ? 'Pause' : 'Play'} ${label}`}>
        {playing ? '❚❚' : '▶'}
      </button>
      <canvas
        ref={canvas}
        role="slider"
        tabIndex={0}
        aria-label={`Seek in ${label}`}
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(position)}
        aria-valuetext={`${formatDuration(position)} of ${formatDuration(duration)}`}
        onClick={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          seekTo((e.clientX - rect.left) / rect.width);
        }}
        onKeyDown={(e) => {
          if (!duration) return;
          if (e.key === 'ArrowRight') seekTo((position + 1) / duration);
          else if (e.key === 'ArrowLeft') seekTo((position - 1) / duration);
          else if (e.key === ' ' || e.key === 'Enter') {
            e.preventDefault();
            toggle();
          }
        }}
      />
      {playError && <span className="small" role="alert" style={{ color: 'var(--danger)' }}>{playError}</span>}
      <span className="time">{formatDuration(duration ? position : 0)}/{formatDuration(duration) || '–'}</span>
      <audio
        ref={audio}
        src={src}
        preload="metadata"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
        onLoadedMetadata={(e) => {
          setDuration(e.currentTarget.duration);
          onTime?.(e.currentTarget.currentTime, e.currentTarget.duration);
        }}
        onTimeUpdate={(e) => {
          setPosition(e.currentTarget.currentTime);
          onTime?.(e.currentTarget.currentTime, e.currentTarget.duration);
        }}
      />
    </div>
  );
}
