'use client';
import Link from 'next/link';
import { assetTitle, downloadStem, mediaSrc } from '@/lib/format';
import type { Library } from '@/lib/types';
import type { GeneratedAsset } from './GeneratedPiece';
import { SaveToLibraryControls, SaveToLibraryOutcome, useSaveToLibrary } from './SaveToLibrary';

interface Props {
  asset: GeneratedAsset;
  /** where it can be saved; null while they load */
  libraries: Library[] | null;
  /** "Use as guide": the picture becomes the form's guide image */
  onUseAsGuide: (asset: GeneratedAsset) => void;
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
  const library = useSaveToLibrary(asset.id);
  const title = assetTitle(asset);

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
        <a className="button small" href={mediaSrc(asset.url)} download={`${downloadStem(asset, 'picture')}.png`}>⬇ PNG</a>
        <button type="button" className="small" onClick={() => onUseAsGuide(asset)} title="Start the next picture from this one">
          ↪ Use as guide
        </button>
      </div>
      <SaveToLibraryControls library={library} title={title} libraries={libraries} buttonClassName="small" />
      <SaveToLibraryOutcome library={library} />
    </article>
  );
}
