'use client';
import { useState } from 'react';
import DropZone from './DropZone';
import Progress from './Progress';
import { graphql } from '@/lib/graphql';
import { toApiError } from '@/lib/errors';
import { INGEST_ASSET } from '@/lib/operations';
import { formatBytes } from '@/lib/format';
import type { IngestAssetMutation } from '@/lib/generated/graphql';
import type { Asset } from '@/lib/types';
import { askForApiKey } from '@/lib/apiKey';

interface Item {
  key: string;
  file: File;
  progress: number;
  state: 'waiting' | 'uploading' | 'done' | 'failed';
  error?: string;
  code?: string;
  asset?: Asset;
}

const PARALLEL_UPLOADS = 2;

/** Uploads many files at once, each with its own progress bar and its own error. */
export default function Uploader({ libraryId, onUploaded }: { libraryId?: string; onUploaded: (asset: Asset) => void }) {
  const [items, setItems] = useState<Item[]>([]);

  const update = (key: string, patch: Partial<Item>) =>
    setItems((all) => all.map((item) => (item.key === key ? { ...item, ...patch } : item)));

  const uploadOne = async (item: Item) => {
    update(item.key, { state: 'uploading' });
    try {
      const { ingestAsset } = await graphql<IngestAssetMutation>(
        INGEST_ASSET,
        { file: null, title: item.file.name.replace(/\.[^.]+$/, ''), tags: [], libraryId: libraryId || null },
        { uploads: [{ path: 'variables.file', file: item.file }], onUploadProgress: (p) => update(item.key, { progress: p * 0.95 }) },
      );
      update(item.key, { state: 'done', progress: 1, asset: ingestAsset });
      onUploaded(ingestAsset);
    } catch (caught) {
      const error = toApiError(caught);
      update(item.key, { state: 'failed', error: `${error.message}${error.detail ? ` (${error.detail})` : ''}`, code: error.code });
    }
  };

  const start = async (files: File[]) => {
    const fresh = files.map((file, i) => ({ key: `${Date.now()}-${i}-${file.name}`, file, progress: 0, state: 'waiting' as const }));
    setItems((all) => [...fresh, ...all]);
    const queue = [...fresh];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await uploadOne(next);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, worker));
  };

  const failed = items.filter((i) => i.state === 'failed').length;
  const done = items.filter((i) => i.state === 'done').length;

  return (
    <div className="stack">
      <DropZone
        accept="image/*,audio/*,.wav,.mp3,.ogg,.opus,.flac"
        multiple
        label="Drop images and audio here, or click to pick several"
        hint="Each file is checked by the API: its type is read from its bytes, not its name."
        onFiles={(files) => void start(files)}
      />
      {items.length > 0 && (
        <>
          <div className="row small muted" aria-live="polite">
            <span>{done} uploaded</span>
            {failed > 0 && <span style={{ color: 'var(--danger)' }}>{failed} failed</span>}
            <span>{items.length - done - failed} in progress</span>
            <button type="button" className="small ghost" onClick={() => setItems((all) => all.filter((i) => i.state === 'uploading' || i.state === 'waiting'))}>
              Clear finished
            </button>
          </div>
          <ul className="file-list" aria-label="Uploads">
            {items.map((item) => (
              <li key={item.key} className={item.state} data-state={item.state}>
                <span className="grow" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {item.asset ? <a href={`/assets/${item.asset.id}`}>{item.file.name}</a> : item.file.name}{' '}
                  <span className="muted small">{formatBytes(item.file.size)}</span>
                </span>
                <Progress value={item.progress} label={`Upload of ${item.file.name}`} failed={item.state === 'failed'} />
                <span className="small muted">{{ waiting: 'waiting', uploading: 'uploading…', done: '✓ done', failed: '✕ failed' }[item.state]}</span>
                {item.error && (
                  <span className="err" role="alert" data-code={item.code}>
                    {item.error}{' '}
                    {item.code === 'UNAUTHENTICATED' && (
                      <button type="button" className="small" onClick={askForApiKey}>Enter API key</button>
                    )}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
