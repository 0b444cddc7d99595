'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import AudioPlayer from '@/components/AudioPlayer';
import AssetCard from '@/components/AssetCard';
import TrackList from '@/components/TrackList';
import Tags from '@/components/Tags';
import ErrorNote from '@/components/ErrorNote';
import Loading from '@/components/Loading';
import Empty from '@/components/Empty';
import { useLibraries } from '@/components/FilterBar';
import { useQuery } from '@/lib/hooks';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { ADD_TAGS, ADD_TO_LIBRARY, ASSET, DELETE_ASSET, REMOVE_TAGS, SIMILAR } from '@/lib/operations';
import { assetTitle, formatDuration, mediaSrc, otherKind, splitTags } from '@/lib/format';
import type { AddToLibraryMutation, AssetQuery, SimilarQuery } from '@/lib/generated/graphql';
import type { Asset } from '@/lib/types';

const NEIGHBOURS = 12;

export default function AssetPage({ id }: { id: string }) {
  const { data, error, loading } = useQuery<AssetQuery>(ASSET, { id });
  const asset = data?.asset ?? null;

  if (loading) return <Loading label="Loading asset…" />;
  if (error) return <ErrorNote error={error} />;
  if (!asset) return <ErrorNote error={new ApiError('NOT_FOUND', `No asset with id ${id}.`)} />;
  return <AssetView key={asset.id} asset={asset} />;
}

function AssetView({ asset: loaded }: { asset: Asset }) {
  const [asset, setAsset] = useState(loaded);
  const title = assetTitle(asset);
  const crossKind = otherKind(asset.kind);
  const neighbours = useQuery<SimilarQuery>(SIMILAR, { assetId: asset.id, kind: crossKind, first: NEIGHBOURS });
  const lookalikes = useQuery<SimilarQuery>(SIMILAR, { assetId: asset.id, kind: asset.kind, first: 7 });
  const sameKind = (lookalikes.data?.similar ?? []).filter((hit) => hit.asset.id !== asset.id).slice(0, 6);

  return (
    <>
      <nav className="small muted" aria-label="Breadcrumb" style={{ marginBottom: '0.75rem' }}>
        <Link href="/library">Library</Link> / {asset.kind === 'IMAGE' ? 'Image' : 'Track'}
      </nav>
      <div className="asset-hero">
        <div className="stack">
          {asset.kind === 'IMAGE' ? (
            // eslint-disable-next-line @next/next/no-img-element
            <img className="full" src={mediaSrc(asset.url)} alt={asset.caption ?? title} />
          ) : (
            <div className="panel">
              <AudioPlayer src={mediaSrc(asset.url)} label={title} />
            </div>
          )}
        </div>
        <div className="stack">
          <h1>{title}</h1>
          {asset.caption && <p>{asset.caption}</p>}
          <TagEditor asset={asset} onChange={setAsset} />
          <dl className="facts">
            <dt>Kind</dt><dd>{asset.kind === 'IMAGE' ? 'Image' : 'Music'}</dd>
            <dt>Format</dt><dd className="mono">{asset.mime}</dd>
            {asset.kind === 'IMAGE' ? (
              <><dt>Size</dt><dd>{asset.width}×{asset.height}</dd></>
            ) : (
              <><dt>Length</dt><dd>{formatDuration(asset.durationSeconds)}</dd></>
            )}
            <dt>Source</dt><dd>{asset.source.toLowerCase()}</dd>
            <dt>Added</dt><dd>{new Date(asset.createdAt).toLocaleString()}</dd>
            <dt>Id</dt><dd className="mono">{asset.id}</dd>
          </dl>
          <div className="row">
            <a className="button" href={mediaSrc(asset.url)} download>⬇ Download</a>
            <Link className="button" href={`/?find=${asset.kind === 'IMAGE' ? 'music' : 'images'}&asset=${asset.id}`}>
              Find {asset.kind === 'IMAGE' ? 'music' : 'images'} for this
            </Link>
            <Link className="button" href={`/tag?asset=${asset.id}`}>Suggest tags</Link>
            {asset.kind === 'IMAGE' && (
              <Link className="button" href={`/generate?guide=${asset.id}`} title="Open the picture-from-music form with this image as its guide">
                Use as guide
              </Link>
            )}
          </div>
          <AssetActions asset={asset} />
        </div>
      </div>

      <section className="stack" style={{ marginTop: '2rem' }} aria-label={asset.kind === 'IMAGE' ? 'Music for this image' : 'Images for this track'}>
        <h2>{asset.kind === 'IMAGE' ? 'Music for this image' : 'Images for this track'}</h2>
        <ErrorNote error={neighbours.error} />
        {neighbours.loading && <Loading label="Finding neighbours…" />}
        {neighbours.data && neighbours.data.similar.length === 0 && <Empty>No neighbours in the index yet.</Empty>}
        {neighbours.data && neighbours.data.similar.length > 0 &&
          (crossKind === 'AUDIO' ? (
            <TrackList hits={neighbours.data.similar} moreLikeThis={(id) => `/?find=music&asset=${id}`} />
          ) : (
            <div className="grid" role="list" aria-label="Neighbouring images">
              {neighbours.data.similar.map((hit) => (
                <div role="listitem" key={hit.asset.id}>
                  <AssetCard asset={hit.asset} score={hit.score} />
                </div>
              ))}
            </div>
          ))}
      </section>

      {sameKind.length > 0 && (
        <section className="stack" style={{ marginTop: '2rem' }} aria-label="More like this">
          <h2>More like this</h2>
          <div className="grid" role="list">
            {sameKind.map((hit) => (
              <div role="listitem" key={hit.asset.id}>
                <AssetCard asset={hit.asset} score={hit.score} />
              </div>
            ))}
          </div>
        </section>
      )}
    </>
  );
}

function AssetActions({ asset }: { asset: Asset }) {
  const router = useRouter();
  const libraries = useLibraries();
  const [target, setTarget] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const addToLibrary = async () => {
    setError(null);
    try {
      const { addAssetsToLibrary: library } = await graphql<AddToLibraryMutation>(ADD_TO_LIBRARY, { libraryId: target, assetIds: [asset.id] });
      setNote(`Added to “${library.name}”.`);
    } catch (caught) {
      setError(toApiError(caught));
    }
  };

  const remove = async () => {
    if (!window.confirm(`Delete “${assetTitle(asset)}” for good? Its file, tags and index entry are removed.`)) return;
    setError(null);
    try {
      await graphql(DELETE_ASSET, { id: asset.id });
      router.push('/library');
    } catch (caught) {
      setError(toApiError(caught));
    }
  };

  return (
    <div className="stack" style={{ gap: '0.5rem' }}>
      <div className="row">
        <select aria-label="Library" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">Add to a library…</option>
          {(libraries.data?.libraries ?? []).map((l) => (
            <option key={l.id} value={l.id}>{l.name}</option>
          ))}
        </select>
        <button type="button" disabled={!target} onClick={() => void addToLibrary()}>Add</button>
        <button type="button" className="danger ghost" onClick={() => void remove()}>Delete…</button>
      </div>
      {note && <p className="notice ok small" role="status">{note}</p>}
      <ErrorNote error={error} />
    </div>
  );
}

/** The asset's tags, each removable, and a field to add USER tags (comma-separated). */
function TagEditor({ asset, onChange }: { asset: Asset; onChange: (next: Asset) => void }) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const change = async (query: string, tags: string[], field: 'addTags' | 'removeTags') => {
    setBusy(true);
    setError(null);
    try {
      const data = await graphql<Record<string, Asset>>(query, { assetId: asset.id, tags });
      onChange(data[field]);
      if (field === 'addTags') setDraft('');
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  const names = [...new Set(asset.tags.map((t) => t.name))];
  return (
    <div className="stack" style={{ gap: '0.4rem' }}>
      <Tags tags={asset.tags} showScores />
      <form
        className="row"
        style={{ gap: '0.4rem' }}
        onSubmit={(e) => {
          e.preventDefault();
          const tags = splitTags(draft);
          if (tags.length) void change(ADD_TAGS, tags, 'addTags');
        }}
      >
        <input type="text" aria-label="Add tags" placeholder="Add tags, comma-separated" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="small" disabled={busy || !splitTags(draft).length}>Add tags</button>
        {names.length > 0 && (
          <select
            aria-label="Remove a tag"
            value=""
            disabled={busy}
            onChange={(e) => e.target.value && void change(REMOVE_TAGS, [e.target.value], 'removeTags')}
          >
            <option value="">Remove a tag…</option>
            {names.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        )}
      </form>
      <ErrorNote error={error} />
    </div>
  );
}
