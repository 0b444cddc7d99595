import Link from 'next/link';
import type { Asset } from '@/lib/types';
import PreviewButton from './PreviewButton';
import { assetTitle, formatDuration, formatScore, mediaSrc } from '@/lib/format';

interface Props {
  asset: Asset;
  score?: number;
  selected?: boolean;
  onToggleSelect?: (asset: Asset) => void;
  /** offers "Use as guide" (an image opens the picture-from-music form with it as the guide) */
  guideLink?: boolean;
}

/** One asset in a grid: a thumbnail (or a sound tile), its title, score when it is a search hit. */
export default function AssetCard({ asset, score, selected, onToggleSelect, guideLink }: Props) {
  const title = assetTitle(asset);
  return (
    <div className={`card${selected ? ' selected' : ''}`} data-asset-id={asset.id} data-kind={asset.kind}>
      <div className="thumb-wrap">
        <Link href={`/assets/${asset.id}`} aria-label={`Open ${title}`} style={{ color: 'inherit' }}>
          {asset.kind === 'IMAGE' ? (
            // eslint-disable-next-line @next/next/no-img-element -- media come from the API as-is
            <img className="thumb" src={mediaSrc(asset.url)} alt={asset.caption ?? title} loading="lazy" />
          ) : (
            <div className="audio-thumb" aria-hidden="true" style={{ ['--hue' as string]: hueOf(asset.id) }} />
          )}
        </Link>
        {asset.kind === 'AUDIO' && (
          <span className="preview-slot">
            <PreviewButton src={mediaSrc(asset.url)} label={title} />
          </span>
        )}
      </div>
      {onToggleSelect && (
        <input
          type="checkbox"
          className="select"
          checked={!!selected}
          onChange={() => onToggleSelect(asset)}
          aria-label={`Select ${title}`}
        />
      )}
      {score != null && <span className="corner score-badge" title="Cosine similarity">{formatScore(score)}</span>}
      <div className="meta">
        <span className="name" title={title}>{title}</span>
        <span className="muted small">
          {asset.kind === 'AUDIO' ? `♪ ${formatDuration(asset.durationSeconds)}` : asset.width ? `${asset.width}×${asset.height}` : 'image'}
          {asset.tags.length > 0 && ` · ${asset.tags.slice(0, 2).map((t) => t.name).join(', ')}`}
        </span>
        {guideLink && asset.kind === 'IMAGE' && (
          <Link className="small" href={`/generate?guide=${asset.id}`} aria-label={`Use ${title} as a guide image`}>Use as guide</Link>
        )}
      </div>
    </div>
  );
}

/** A stable hue per asset, so sound tiles are told apart at a glance. */
function hueOf(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}
