'use client';
import { useEffect, useState, type ReactNode } from 'react';
import DropZone from '@/components/DropZone';
import ImagePreview from '@/components/ImagePreview';
import AudioPlayer from '@/components/AudioPlayer';
import PianoRoll from '@/components/PianoRoll';
import Recorder from '@/components/Recorder';
import AssetBrowser from './AssetBrowser';
import { assetTitle, formatBytes, formatDuration, mediaSrc } from '@/lib/format';
import type { SourceSlot } from '@/lib/musicRequest';
import type { AssetKind } from '@/lib/types';

type Tab = 'upload' | 'record' | 'library';

interface Props {
  /** names the slot for assistive technology and the tests, e.g. "Image" */
  name: string;
  title: ReactNode;
  hint: ReactNode;
  kind: AssetKind;
  accept: string;
  value: SourceSlot | null;
  onChange: (slot: SourceSlot | null) => void;
  problem?: string;
  /** offers the microphone as a third way in (audio slots) */
  recordable?: boolean;
  children?: ReactNode;
}

function isMidi(file: Blob, name: string): boolean {
  return /\.(mid|midi|smf)$/i.test(name) || file.type === 'audio/midi' || file.type === 'audio/x-midi';
}

/** A file's object URL for as long as it is shown. */
function useObjectUrl(file: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file) {
      setUrl(null);
      return;
    }
    const next = URL.createObjectURL(file);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [file]);
  return url;
}

function Chosen({ slot, name }: { slot: SourceSlot; name: string }) {
  const file = slot.kind === 'file' ? slot.file : null;
  const url = useObjectUrl(file && !file.type.startsWith('image/') ? file : null);
  if (slot.kind === 'asset') {
    const { asset } = slot;
    return (
      <div className="stack" style={{ gap: '0.4rem' }}>
        {asset.kind === 'IMAGE' ? (
          // eslint-disable-next-line @next/next/no-img-element -- media come from the API as-is
          <img className="source-image" src={mediaSrc(asset.url)} alt={`${name}: ${assetTitle(asset)}`} />
        ) : (
          <AudioPlayer src={mediaSrc(asset.url)} label={`${name}: ${assetTitle(asset)}`} />
        )}
        <span className="small">
          <strong>{assetTitle(asset)}</strong>
          <span className="muted"> · from the library{asset.durationSeconds ? ` · ${formatDuration(asset.durationSeconds)}` : ''}</span>
        </span>
      </div>
    );
  }
  const midi = isMidi(slot.file, slot.name);
  return (
    <div className="stack" style={{ gap: '0.4rem' }}>
      {slot.file.type.startsWith('image/') && file instanceof File && <ImagePreview className="source-image" file={file} alt={`${name}: ${slot.name}`} />}
      {url && midi && <PianoRoll src={url} label={slot.name} />}
      {url && !midi && <AudioPlayer src={url} label={`${name}: ${slot.name}`} />}
      <span className="small">
        <strong>{slot.name}</strong>
        <span className="muted"> · {midi ? 'MIDI' : 'upload'} · {formatBytes(slot.file.size)}</span>
      </span>
    </div>
  );
}

/** One input of a generation: drop or pick a file, or choose an asset from the library; shows what is chosen. */
export default function SourcePicker({ name, title, hint, kind, accept, value, onChange, problem, recordable, children }: Props) {
  const [tab, setTab] = useState<Tab>('upload');
  const [browsing, setBrowsing] = useState(false);
  const showPicker = !value || browsing;
  return (
    <fieldset className="stack source" aria-label={name} data-slot={name.toLowerCase()} data-filled={!!value} data-invalid={!!problem}>
      <legend>{title}</legend>
      {value && !browsing && (
        <>
          <Chosen slot={value} name={name} />
          <div className="row" style={{ gap: '0.4rem' }}>
            <button type="button" className="small" onClick={() => setBrowsing(true)}>Replace</button>
            <button type="button" className="small ghost" onClick={() => onChange(null)} aria-label={`Remove the ${name.toLowerCase()}`}>Remove</button>
          </div>
        </>
      )}
      {showPicker && (
        <>
          <div className="segmented" role="tablist" aria-label={`${name}: where from`}>
            <button type="button" role="tab" aria-selected={tab === 'upload'} onClick={() => setTab('upload')}>Upload</button>
            {recordable && <button type="button" role="tab" aria-selected={tab === 'record'} onClick={() => setTab('record')}>Record</button>}
            <button type="button" role="tab" aria-selected={tab === 'library'} onClick={() => setTab('library')}>From the library</button>
          </div>
          {tab === 'record' && (
            <Recorder
              startLabel="Record a clip"
              stopLabel="Stop recording"
              onRecorded={(file) => {
                onChange({ kind: 'file', file, name: file.name });
                setBrowsing(false);
              }}
            />
          )}
          {tab === 'upload' && (
            <DropZone
              accept={accept}
              label={kind === 'IMAGE' ? 'Drop an image or click to pick one' : 'Drop a file or click to pick one'}
              hint={hint}
              onFiles={([file]) => {
                onChange({ kind: 'file', file, name: file.name });
                setBrowsing(false);
              }}
            />
          )}
          {tab === 'library' && (
            <AssetBrowser
              kind={kind}
              label={name}
              onPick={(asset) => {
                onChange({ kind: 'asset', asset });
                setBrowsing(false);
              }}
            />
          )}
          {browsing && <button type="button" className="small ghost" onClick={() => setBrowsing(false)}>Keep the current one</button>}
        </>
      )}
      {problem && <p className="field-problem small" role="alert">{problem}</p>}
      {children}
    </fieldset>
  );
}
