import Link from 'next/link';
import type { SearchHit } from '@/lib/types';
import { assetTitle, formatScore, mediaSrc } from '@/lib/format';
import AudioPlayer from './AudioPlayer';
import Tags from './Tags';

/** Ranked music hits: player with waveform, caption, tags, score and "more like this". */
export default function TrackList({ hits, moreLikeThis }: { hits: SearchHit[]; moreLikeThis: (assetId: string) => string }) {
  return (
    <ol className="track-list" aria-label="Music results">
      {hits.map((hit, i) => {
        const title = assetTitle(hit.asset);
        return (
          <li key={hit.asset.id} className="track" data-asset-id={hit.asset.id}>
            <div className="stack" style={{ gap: '0.25rem' }}>
              <div className="row" style={{ gap: '0.5rem' }}>
                <span className="rank">#{i + 1}</span>
                <Link href={`/assets/${hit.asset.id}`} className="title">{title}</Link>
              </div>
              {hit.asset.caption && <p className="caption">{hit.asset.caption}</p>}
              <Tags tags={hit.asset.tags} max={6} />
            </div>
            <div className="stack" style={{ alignItems: 'flex-end', gap: '0.4rem' }}>
              <span className="score-badge" title="Cosine similarity between the query and this track">
                score {formatScore(hit.score)}
              </span>
              <Link href={moreLikeThis(hit.asset.id)} className="button small">More like this</Link>
            </div>
            <div className="player-cell">
              <AudioPlayer src={mediaSrc(hit.asset.url)} label={title} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}
