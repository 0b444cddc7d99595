'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import AssetCard from '@/components/AssetCard';
import FilterBar, { useLibraries, type Filters } from '@/components/FilterBar';
import Uploader from '@/components/Uploader';
import ErrorNote from '@/components/ErrorNote';
import Empty from '@/components/Empty';
import Loading from '@/components/Loading';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { ADD_TO_LIBRARY, ASSETS, CREATE_LIBRARY, REMOVE_FROM_LIBRARY, STATS } from '@/lib/operations';
import { useQuery } from '@/lib/hooks';
import { splitTags } from '@/lib/format';
import type { AddToLibraryMutation, AssetsQuery, CreateLibraryMutation, RemoveFromLibraryMutation, StatsQuery } from '@/lib/generated/graphql';
import type { Asset, AssetFilter, AssetKind, Library } from '@/lib/types';

const PAGE_SIZE = 24;

export default function LibraryPage() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const kind = (params.get('kind') as AssetKind | null) ?? null;
  const filters: Filters = useMemo(
    () => ({ tags: splitTags(params.get('tags')), libraryId: params.get('library') ?? '' }),
    [params],
  );
  const filter: AssetFilter = useMemo(() => {
    const f: AssetFilter = {};
    if (kind === 'IMAGE' || kind === 'AUDIO') f.kind = kind;
    if (filters.tags.length) f.tags = filters.tags;
    if (filters.libraryId) f.libraryId = filters.libraryId;
    return f;
  }, [kind, filters]);
  const filterKey = JSON.stringify(filter);

  const [assets, setAssets] = useState<Asset[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(true);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const sentinel = useRef<HTMLDivElement>(null);
  const inFlight = useRef(false);

  const stats = useQuery<StatsQuery>(STATS, {}, false);
  const libraries = useLibraries();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [showUpload, setShowUpload] = useState(false);

  const setUrl = (next: { kind?: AssetKind | null; filters?: Filters }) => {
    const search = new URLSearchParams();
    const k = next.kind === undefined ? kind : next.kind;
    if (k) search.set('kind', k);
    const f = next.filters ?? filters;
    if (f.tags.length) search.set('tags', f.tags.join(','));
    if (f.libraryId) search.set('library', f.libraryId);
    const qs = search.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };

  const loadPage = useCallback(
    async (after: string | null, reset: boolean) => {
      if (inFlight.current && !reset) return;
      inFlight.current = true;
      setLoading(true);
      setError(null);
      try {
        const { assets: page } = await graphql<AssetsQuery>(ASSETS, {
          filter: JSON.parse(filterKey) as AssetFilter,
          first: PAGE_SIZE,
          after,
        });
        const nodes = page.edges.map((e) => e.node);
        setAssets((prev) => (reset ? nodes : [...prev, ...nodes.filter((n) => !prev.some((p) => p.id === n.id))]));
        setCursor(page.pageInfo.endCursor);
        setHasMore(page.pageInfo.hasNextPage);
        setTotal(page.totalCount);
      } catch (caught) {
        setError(toApiError(caught));
        setHasMore(false);
      } finally {
        inFlight.current = false;
        setLoading(false);
      }
    },
    [filterKey],
  );

  useEffect(() => {
    setAssets([]);
    setCursor(null);
    setHasMore(true);
    void loadPage(null, true);
  }, [loadPage, generation]);

  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && hasMore && !inFlight.current && cursor) void loadPage(cursor, false);
      },
      { rootMargin: '600px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [cursor, hasMore, loadPage]);

  const toggle = (asset: Asset) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(asset.id)) next.delete(asset.id);
      else next.add(asset.id);
      return next;
    });

  return (
    <>
      <div className="page-head row spread">
        <div>
          <h1>Library</h1>
          {stats.data && (
            <div className="stat-row" aria-label="Library statistics">
                            <span><strong>{stats.data.stats.images}</strong> images</span>
              <span><strong>{stats.data.stats.audio}</strong> tracks</span>
              <span><strong>{stats.data.stats.tags}</strong> tags</span>
              <span><strong>{stats.data.stats.libraries}</strong> libraries</span>
              <span>model <strong className="mono">{stats.data.stats.bundle.name}</strong></span>
            </div>
          )}
        </div>
        <button type="button" className="primary" onClick={() => setShowUpload((v) => !v)} aria-expanded={showUpload}>
          ⬆ Upload files
        </button>
      </div>

      {showUpload && (
        <section className="panel" aria-label="Upload" style={{ marginBottom: '1rem' }}>
          <Uploader
            libraryId={filters.libraryId}
            onUploaded={(asset) => {
              setAssets((prev) => (prev.some((p) => p.id === asset.id) ? prev : [asset, ...prev]));
              setTotal((t) => (t == null ? t : t + 1));
            }}
          />
          {filters.libraryId && <p className="muted small" style={{ marginTop: '0.5rem' }}>Uploads are added to the selected library.</p>}
        </section>
      )}

      <section className="panel stack" aria-label="Browse" style={{ marginBottom: '1rem' }}>
        <div className="row">
          <div className="segmented" role="group" aria-label="Kind">
            {([null, 'IMAGE', 'AUDIO'] as const).map((k) => (
              <button key={k ?? 'all'} type="button" aria-pressed={kind === k} onClick={() => setUrl({ kind: k })}>
                {k === null ? 'All' : k === 'IMAGE' ? 'Images' : 'Music'}
              </button>
            ))}
          </div>
          <FilterBar value={filters} onChange={(next) => setUrl({ filters: next })} />
        </div>
        <LibraryTools
          libraries={libraries.data?.libraries ?? []}
          currentLibraryId={filters.libraryId}
          selected={[...selected]}
          onChanged={() => {
            libraries.reload();
            stats.reload();
            if (filters.libraryId) setGeneration((g) => g + 1);
          }}
          onClearSelection={() => setSelected(new Set())}
        />
      </section>

      <ErrorNote error={error} />
      {total != null && (
        <p className="muted small" aria-live="polite">
          Showing {assets.length} of {total}
        </p>
      )}
      {assets.length === 0 && !loading && !error && (
        <Empty>
          Nothing here yet{filter.tags || filter.kind || filter.libraryId ? ' with these filters' : ''}. Upload files, or run{' '}
          <code className="mono">npm run ingest</code> on the server.
        </Empty>
      )}
      <div className="grid" role="list" aria-label="Assets">
        {assets.map((asset) => (
          <div role="listitem" key={asset.id}>
            <AssetCard asset={asset} selected={selected.has(asset.id)} onToggleSelect={toggle} />
          </div>
        ))}
        {loading && assets.length === 0 && Array.from({ length: 8 }, (_, i) => <div key={i} className="skeleton" style={{ aspectRatio: '0.8' }} />)}
      </div>
      <div ref={sentinel} style={{ height: 1 }} />
      {loading && assets.length > 0 && <Loading label="Loading more…" />}
      {!hasMore && assets.length > 0 && <p className="muted small" style={{ textAlign: 'center' }}>That is everything.</p>}
    </>
  );
}

function LibraryTools({
  libraries,
  currentLibraryId,
  selected,
  onChanged,
  onClearSelection,
}: {
  libraries: Library[];
  currentLibraryId: string;
  selected: string[];
  onChanged: () => void;
  onClearSelection: () => void;
}) {
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      setNote(await action());
      onChanged();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack" style={{ gap: '0.5rem' }}>
      <div className="row">
        <form
          className="row"
          style={{ gap: '0.4rem' }}
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const { createLibrary } = await graphql<CreateLibraryMutation>(CREATE_LIBRARY, { name: name.trim() });
              setName('');
              setTarget(createLibrary.id);
              return `Library “${createLibrary.name}” created.`;
            });
          }}
        >
          <input type="text" placeholder="New library name" aria-label="New library name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" disabled={busy || !name.trim()}>Create library</button>
        </form>
        <span className="muted small">{selected.length} selected</span>
        <select aria-label="Library to add the selection to" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">Choose a library…</option>
          {libraries.map((l) => (
            <option key={l.id} value={l.id}>{l.name}</option>
          ))}
        </select>
        <button
          type="button"
          disabled={busy || !target || selected.length === 0}
          onClick={() =>
            void run(async () => {
              const { addAssetsToLibrary } = await graphql<AddToLibraryMutation>(ADD_TO_LIBRARY, { libraryId: target, assetIds: selected });
              onClearSelection();
              return `Added ${selected.length} to “${addAssetsToLibrary.name}” (${addAssetsToLibrary.assetCount} assets).`;
            })
          }
        >
          Add selected
        </button>
        {currentLibraryId && (
          <button
            type="button"
            disabled={busy || selected.length === 0}
            onClick={() =>
              void run(async () => {
                const { removeAssetsFromLibrary } = await graphql<RemoveFromLibraryMutation>(REMOVE_FROM_LIBRARY, {
                  libraryId: currentLibraryId,
                  assetIds: selected,
                });
                onClearSelection();
                return `Removed ${selected.length} from “${removeAssetsFromLibrary.name}”. The assets themselves stay.`;
              })
            }
          >
            Remove selected from this library
          </button>
        )}
        {selected.length > 0 && (
          <button type="button" className="ghost small" onClick={onClearSelection}>Clear selection</button>
        )}
      </div>
      {note && <p className="notice ok small" role="status">{note}</p>}
      <ErrorNote error={error} />
    </div>
  );
}
