'use client';
import { useState } from 'react';
import Link from 'next/link';
import ErrorNote from '@/components/ErrorNote';
import { graphql } from '@/lib/graphql';
import { toApiError, type ApiError } from '@/lib/errors';
import { ADD_TO_LIBRARY } from '@/lib/operations';
import { assetTitle, mediaSrc } from '@/lib/format';
import type { AddToLibraryMutation } from '@/lib/generated/graphql';
import type { Library } from '@/lib/types';
import type { GeneratedAsset } from './GeneratedPiece';

interface Props {
  asset: GeneratedAsset;
  /** where it can be saved; null while they load */
  libraries: Library[] | null;
  /** "Use as guide": the picture becomes the form's guide image */
  onUseAsGuide: (asset: GeneratedAsset) => void;
}

/** A file name for the download: the title in plain characters and the seed. */
function fileStem(asset: GeneratedAsset): string {
  const title = assetTitle(asset).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'picture';
  return asset.generation ? `${title}-seed-${asset.generation.seed}` : title;
}

function parameterLine(asset: GeneratedAsset): string {
  const p = (asset.generation?.parameters ?? {}) as Record<string, unknown>;
  const output = (p.output ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (asset.width && asset.height) parts.push(`${asset.width}×${asset.height}`);
  if (asset.generation) parts.push(`seed ${asset.generation.seed}`);
  if (typeof p.steps === 'number') parts.push(`${p.steps} steps`);
  if (typeof p.sampler === 'string') parts.push(p.sampler);
  if (typeof p.guidanceScale === 'number') parts.push(`guidance ${p.guidanceScale}`);
  if (typeof p.strength === 'number' && asset.generation?.sources.some((s) => s.role === 'GUIDE')) parts.push(`strength ${p.strength}`);
  if (p.upscale === true) parts.push('upscaled 2×');
  if (typeof output.wallMs === 'number') parts.push(`${(output.wallMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

/** One generated picture: the image, how it was made, PNG download, save to a library, use as guide. */
export default function GeneratedPicture({ asset, libraries, onUseAsGuide }: Props) {
  const [target, setTarget] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const title = assetTitle(asset);

  const save = async () => {
    if (!target) return;
    setSaving(true);
    setError(null);
    try {
      const { addAssetsToLibrary } = await graphql<AddToLibraryMutation>(ADD_TO_LIBRARY, { libraryId: target, assetIds: [asset.id] });
      setSaved(`Saved to “${addAssetsToLibrary.name}”.`);
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setSaving(false);
    }
  };

  return (
    <article className="picture" data-generated-asset={asset.id} aria-label={title}>
      <Link href={`/assets/${asset.id}`} aria-label={`Open ${title} in the library`}>
        {/* eslint-disable-next-line @next/next/no-img-element -- media come from the API as-is */}
        <img src={mediaSrc(asset.url)} alt={title} width={asset.width ?? undefined} height={asset.height ?? undefined} />
      </Link>
      <div>
        <h3 className="picture-title">{title}</h3>
        <p className="muted small" style={{ margin: 0 }}>{parameterLine(asset)}</p>
      </div>
      <div className="row piece-actions">
        <a className="button small" href={mediaSrc(asset.url)} download={`${fileStem(asset)}.png`}>⬇ PNG</a>
        <button type="button" className="small" onClick={() => onUseAsGuide(asset)} title="Start the next picture from this one">
          ↪ Use as guide
        </button>
      </div>
      <span className="row" style={{ gap: '0.4rem' }}>
        <select aria-label={`Library to save ${title} to`} value={target} onChange={(e) => setTarget(e.target.value)} disabled={!libraries?.length}>
          <option value="">{libraries?.length ? 'Save to a library…' : 'No libraries yet'}</option>
          {(libraries ?? []).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
        </select>
        <button type="button" className="small" disabled={!target || saving} onClick={() => void save()}>{saving ? 'Saving…' : 'Save'}</button>
      </span>
      {saved && <p className="notice ok small" role="status">{saved}</p>}
      <ErrorNote error={error} />
    </article>
  );
}
