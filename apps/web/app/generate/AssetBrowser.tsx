'use client';
import { useState } from 'react';
import ErrorNote from '@/components/ErrorNote';
import Loading from '@/components/Loading';
import { useQuery } from '@/lib/hooks';
import { ASSETS } from '@/lib/operations';
import { assetTitle, formatDuration, mediaSrc } from '@/lib/format';
import type { AssetsQuery } from '@/lib/generated/graphql';
import type { Asset, AssetKind } from '@/lib/types';

const PAGE = 12;

/** Search the library for an asset of one kind (title or caption) and pick one. */
export default function AssetBrowser({ kind, onPick, label }: { kind: AssetKind; onPick: (asset: Asset) => void; label: string }) {
  const [draft, setDraft] = useState('');
  const [text, setText] = useState('');
  const [first, setFirst] = useState(PAGE);
  const filter = text ? { kind, text } : { kind };
  const { data, error, loading } = useQuery<AssetsQuery>(ASSETS, { filter, first });
  const assets = data?.assets.edges.map((e) => e.node) ?? [];
  const search = () => {
    setFirst(PAGE);
    setText(draft.trim());
  };

  return (
    <div className="stack asset-browser" role="group" aria-label={label}>
      <div className="row" style={{ gap: '0.4rem' }}>
        <input
          type="search"
          className="grow"
          placeholder={kind === 'IMAGE' ? 'Search images by title or caption…' : 'Search music by title or caption…'}
          aria-label={`Search the library: ${label}`}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault(); // searches, and does not submit a form this sits in
            search();
          }}
        />
        <button type="button" className="small" onClick={search}>Search</button>
      </div>
      <ErrorNote error={error} />
      {loading && !data && <Loading label="Looking in the library…" />}
      {data && assets.length === 0 && <p className="muted small">{text ? `Nothing matches “${text}”.` : 'The library has none yet.'}</p>}
      {assets.length > 0 && (
        <ul className="pick-grid" aria-label={`${label}: library results`}>
          {assets.map((asset) => (
            <li key={asset.id}>
              <button type="button" className="pick" data-asset-id={asset.id} onClick={() => onPick(asset)} aria-label={`Use ${assetTitle(asset)}`}>
                {asset.kind === 'IMAGE' ? (
                  // eslint-disable-next-line @next/next/no-img-element -- media come from the API as-is
                  <img src={mediaSrc(asset.url)} alt="" loading="lazy" />
                ) : (
                  <span className="pick-sound" aria-hidden="true">♪</span>
                )}
                <span className="pick-name">{assetTitle(asset)}</span>
                {asset.kind === 'AUDIO' && <span className="muted small">{formatDuration(asset.durationSeconds)}{asset.source === 'GENERATED' ? ' · generated' : ''}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      {data?.assets.pageInfo.hasNextPage && (
        <button type="button" className="small" disabled={loading} onClick={() => setFirst((n) => n + PAGE)}>
          Show more ({data.assets.totalCount - assets.length} left)
        </button>
      )}
    </div>
  );
}
