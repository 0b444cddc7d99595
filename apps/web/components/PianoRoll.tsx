'use client';
import { useEffect, useRef, useState } from 'react';
import { readSmf, type MidiFile } from '@/lib/smf';
import { layoutPianoRoll, voiceLabel, type RollLayout } from '@/lib/pianoRoll';

/** A voice's colour: hues apart from the accent's, so instruments are told apart at a glance. */
function voiceColour(voice: number, alpha: number): string {
  return `hsl(${(250 + voice * 67) % 360} 75% 58% / ${alpha.toFixed(2)})`;
}

function cssVar(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

/**
 * The notes of a MIDI file on a canvas (lib/smf.ts reads it in the browser, lib/pianoRoll.ts places the
 * notes): pitch up, time across on the same scale as the audio when `seconds` is its length, bar lines, a
 * drum lane, and the playhead at `position`.
 */
export default function PianoRoll({ src, label, seconds, position }: { src: string; label: string; seconds?: number; position?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [midi, setMidi] = useState<MidiFile | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [layout, setLayout] = useState<RollLayout | null>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setMidi(null);
    setFailure(null);
    fetch(src, { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`the MIDI file could not be fetched (HTTP ${response.status})`);
        setMidi(readSmf(await response.arrayBuffer()));
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setFailure(caught instanceof Error ? caught.message : String(caught));
      });
    return () => controller.abort();
  }, [src]);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !midi || !width) return;
    const ratio = window.devicePixelRatio || 1;
    const next = layoutPianoRoll(midi, { width: width * ratio, height: el.clientHeight * ratio, minSeconds: seconds });
    el.width = next.width;
    el.height = next.height;
    setLayout(next);
  }, [midi, width, seconds]);

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx || !layout) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.clearRect(0, 0, layout.width, layout.height);
    ctx.fillStyle = cssVar(el, '--line', '#262b35');
    for (const y of layout.octaveLines) ctx.fillRect(0, Math.round(y), layout.width, 1);
    ctx.globalAlpha = 0.7;
    for (const x of layout.barLines) ctx.fillRect(Math.round(x), 0, ratio, layout.height);
    ctx.globalAlpha = 1;
    if (layout.drumLaneTop !== null && layout.drumLaneTop > 0) ctx.fillRect(0, layout.drumLaneTop, layout.width, ratio);
    for (const rect of layout.rects) {
      ctx.fillStyle = voiceColour(rect.voice, 0.45 + 0.55 * rect.loudness);
      ctx.fillRect(rect.x, rect.y + 0.5, rect.width, Math.max(2 * ratio, rect.height - 1));
    }
    if (position !== undefined && position > 0) {
      ctx.fillStyle = cssVar(el, '--text', '#e8eaef');
      ctx.fillRect(Math.round((position / layout.seconds) * layout.width), 0, ratio * 1.5, layout.height);
    }
  }, [layout, position]);

  const state = failure ? 'error' : layout ? 'ready' : 'loading';
  const noteCount = midi?.notes.length ?? 0;
  return (
    <figure className="piano-roll" data-roll={state} data-notes={noteCount}>
      <canvas ref={canvas} role="img" aria-label={`Notes of ${label}: ${noteCount} notes${midi ? ` over ${midi.durationSeconds.toFixed(1)} s` : ''}`} />
      <figcaption className="small muted">
        {failure && <span role="alert">The notes cannot be shown: {failure}</span>}
        {!failure && !layout && 'Reading the MIDI…'}
        {layout && noteCount === 0 && 'This piece has no notes.'}
        {layout && layout.voices.length > 0 && (
          <span className="legend" aria-label="Instruments">
            {layout.voices.map((voice, i) => (
              <span key={i} className="row" style={{ gap: '0.3rem' }}>
                <span className="swatch" style={{ background: voiceColour(i, 1) }} aria-hidden="true" />
                {voiceLabel(voice)}
              </span>
            ))}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
