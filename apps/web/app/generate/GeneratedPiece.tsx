'use client';
import { useState } from 'react';
import Link from 'next/link';
import AudioPlayer from '@/components/AudioPlayer';
import PianoRoll from '@/components/PianoRoll';
import { assetTitle, downloadStem, formatDuration, mediaSrc } from '@/lib/format';
import type { GeneratedAssetFieldsFragment } from '@/lib/generated/graphql';
import type { Library } from '@/lib/types';
import { SaveToLibraryControls, SaveToLibraryOutcome, useSaveToLibrary } from './SaveToLibrary';

export type GeneratedAsset = GeneratedAssetFieldsFragment;

interface Props {
  asset: GeneratedAsset;
  /** where it can be saved; null while they load */
  libraries: Library[] | null;
  /** "Continue this": the piece goes into the form's prompt slot */
  onContinue: (asset: GeneratedAsset) => void;
  /** "Same seed again": the form is filled with this piece's seed and parameters */
  onSameSeed: (asset: GeneratedAsset) => void;
  /** whether the notes show at once (fresh results) or on request (the past generations list) */
  notesOpen: boolean;
}

function parameterLine(asset: GeneratedAsset): string {
  const p = (asset.generation?.parameters ?? {}) as Record<string, unknown>;
  const controls = (p.controls ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof p.variation === 'number' && typeof p.count === 'number' && p.count > 1) parts.push(`variation ${p.variation + 1} of ${p.count}`);
  if (asset.generation) parts.push(`seed ${asset.generation.seed}`);
  if (controls.tempo) parts.push(`${controls.tempo} BPM`);
  if (controls.key) parts.push(`${controls.key}${controls.mode ? ` ${controls.mode}` : ''}`);
  else if (controls.mode) parts.push(String(controls.mode));
  if (controls.meter) parts.push(String(controls.meter));
  if (controls.style) parts.push(String(controls.style));
  if (p.loop === true) parts.push('loop');
  if (typeof p.temperature === 'number') parts.push(`temperature ${p.temperature}`);
  return parts.join(' · ');
}

/** One generated piece: player with waveform, piano roll, downloads, save to a library, continue, same seed again. */
export default function GeneratedPiece({ asset, libraries, onContinue, onSameSeed, notesOpen }: Props) {
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState<number | undefined>(asset.durationSeconds ?? undefined);
  const [showNotes, setShowNotes] = useState(notesOpen);
  const library = useSaveToLibrary(asset.id);
  const title = assetTitle(asset);
  const midiUrl = asset.generation?.midiUrl ? mediaSrc(asset.generation.midiUrl) : null;
  const stem = downloadStem(asset, 'music');
  const when = new Date(asset.createdAt);

  return (
    <article className="piece" data-generated-asset={asset.id} aria-label={title}>
      <header className="row spread">
        <div>
          <h3 style={{ margin: 0 }}>{title}</h3>
          <p className="muted small" style={{ margin: 0 }}>
            {formatDuration(asset.durationSeconds)} · {parameterLine(asset)}
            {' · '}
            <time dateTime={asset.createdAt} title={when.toLocaleString()}>{when.toLocaleDateString()} {when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
          </p>
        </div>
        <Link className="small" href={`/assets/${asset.id}`}>Open in library</Link>
      </header>
      <AudioPlayer
        src={mediaSrc(asset.url)}
        label={title}
        onTime={(seconds, length) => {
          setPosition(seconds);
          if (Number.isFinite(length)) setDuration(length);
        }}
      />
      {midiUrl && (
        <details className="notes" open={showNotes} onToggle={(e) => setShowNotes(e.currentTarget.open)}>
          <summary className="small">Notes (piano roll)</summary>
          {showNotes && <PianoRoll src={midiUrl} label={title} seconds={duration} position={position} />}
        </details>
      )}
      <div className="row piece-actions">
        <a className="button" href={mediaSrc(asset.url)} download={`${stem}.wav`}>⬇ WAV</a>
        {midiUrl && <a className="button" href={midiUrl} download={`${stem}.mid`}>⬇ MIDI</a>}
        <button type="button" onClick={() => onContinue(asset)} title="Put this piece in the form's “music to continue” slot">
          ↪ Continue this
        </button>
        <button type="button" onClick={() => onSameSeed(asset)} disabled={!asset.generation} title="Fill the form with this piece's seed and settings">
          ⟲ Same seed again
        </button>
        <SaveToLibraryControls library={library} title={title} libraries={libraries} />
      </div>
      <SaveToLibraryOutcome library={library} />
    </article>
  );
}
