'use client';
import Icon from '@/components/Icon';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import DropZone from '@/components/DropZone';
import Recorder from '@/components/Recorder';
import FilterBar, { type Filters } from '@/components/FilterBar';
import TrackList from '@/components/TrackList';
import AssetCard from '@/components/AssetCard';
import AudioPlayer from '@/components/AudioPlayer';
import ImagePreview from '@/components/ImagePreview';
import ErrorNote from '@/components/ErrorNote';
import Empty from '@/components/Empty';
import Loading from '@/components/Loading';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { ASSET, INGEST_ASSET, SEARCH_IMAGES_BY_AUDIO, SEARCH_MUSIC_BY_AUDIO, SEARCH_MUSIC_BY_IMAGE, SIMILAR } from '@/lib/operations';
import { assetTitle, splitTags, mediaSrc } from '@/lib/format';
import type { AssetQuery, IngestAssetMutation, SearchImagesByAudioQuery, SearchMusicByAudioQuery, SearchMusicByImageQuery, SimilarQuery } from '@/lib/generated/graphql';
import type { Asset, SearchFilter, SearchHit } from '@/lib/types';

// What the search finds, and from what: music from an image, images from a sound, music from a sound (query by humming).
type Find = 'music' | 'images' | 'music-by-sound';
const FINDS: Find[] = ['music', 'images', 'music-by-sound'];
const RESULT_COUNT = 12;

interface Query {
  file: File | null;
  asset: Asset | null;
}

function searchFilter(filters: Filters): SearchFilter | null {
  const filter: SearchFilter = {};
  if (filters.tags.length) filter.tags = filters.tags;
  if (filters.libraryId) filter.libraryId = filters.libraryId;
  return Object.keys(filter).length ? filter : null;
}

export default function SearchPage() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const find: Find = FINDS.find((f) => f === params.get('find')) ?? 'music';
  const findsMusic = find !== 'images';
  const assetId = params.get('asset');
  const filters: Filters = useMemo(
    () => ({ tags: splitTags(params.get('tags')), libraryId: params.get('library') ?? '' }),
    [params],
  );

  const [query, setQuery] = useState<Query>({ file: null, asset: null });
  const [soundUrl, setSoundUrl] = useState<string | null>(null);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [shareNote, setShareNote] = useState<string | null>(null);
  const resultsRef = useRef<HTMLElement>(null);

  const setUrl = useCallback(
    (next: { find?: Find; asset?: string | null; filters?: Filters }) => {
      const search = new URLSearchParams();
      search.set('find', next.find ?? find);
      const asset = next.asset === undefined ? assetId : next.asset;
      if (asset) search.set('asset', asset);
      const f = next.filters ?? filters;
      if (f.tags.length) search.set('tags', f.tags.join(','));
      if (f.libraryId) search.set('library', f.libraryId);
      router.replace(`${pathname}?${search.toString()}`, { scroll: false });
    },
    [find, assetId, filters, pathname, router],
  );

  // The query object follows the URL when it names an asset (shared links, "more like this").
  useEffect(() => {
    if (!assetId) return;
    if (query.asset?.id === assetId) return;
    const controller = new AbortController();
    graphql<AssetQuery>(ASSET, { id: assetId }, { signal: controller.signal })
      .then(({ asset }) => {
        if (!asset) throw new ApiError('NOT_FOUND', `No asset with id ${assetId}.`);
        setQuery({ file: null, asset });
      })
      .catch((caught: unknown) => setError(toApiError(caught)));
    return () => controller.abort();
  }, [assetId, query.asset?.id]);

  // A sound query can be played back; an image query is previewed by ImagePreview.
  const soundFile = find === 'music' ? null : query.file;
  useEffect(() => {
    if (!soundFile) {
      setSoundUrl(null);
      return;
    }
    const url = URL.createObjectURL(soundFile);
    setSoundUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [soundFile]);

  const filterKey = JSON.stringify(filters);
  useEffect(() => {
    const { file, asset } = query;
    if (!file && !asset) return;
    const controller = new AbortController();
    const filter = searchFilter(JSON.parse(filterKey) as Filters);
    setLoading(true);
    setError(null);
    setHits(null);
    let request: Promise<SearchHit[]>;
    if (asset) {
      request = graphql<SimilarQuery>(
        SIMILAR,
        { assetId: asset.id, kind: findsMusic ? 'AUDIO' : 'IMAGE', first: RESULT_COUNT, filter },
        { signal: controller.signal },
      ).then((d) => d.similar);
    } else if (find === 'music') {
      request = graphql<SearchMusicByImageQuery>(
        SEARCH_MUSIC_BY_IMAGE,
        { image: null, first: RESULT_COUNT, filter },
        { signal: controller.signal, uploads: [{ path: 'variables.image', file: file! }] },
      ).then((d) => d.searchMusicByImage);
    } else if (find === 'music-by-sound') {
      request = graphql<SearchMusicByAudioQuery>(
        SEARCH_MUSIC_BY_AUDIO,
        { audio: null, first: RESULT_COUNT, filter },
        { signal: controller.signal, uploads: [{ path: 'variables.audio', file: file! }] },
      ).then((d) => d.searchMusicByAudio);
    } else {
      request = graphql<SearchImagesByAudioQuery>(
        SEARCH_IMAGES_BY_AUDIO,
        { audio: null, first: RESULT_COUNT, filter },
        { signal: controller.signal, uploads: [{ path: 'variables.audio', file: file! }] },
      ).then((d) => d.searchImagesByAudio);
    }
    request
      .then((result) => {
        setHits(result.filter((hit) => hit.asset.id !== asset?.id));
        // On a phone the results sit below the query panel; bring them into view.
        if (window.matchMedia('(max-width: 820px)').matches) {
          requestAnimationFrame(() => resultsRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
        }
      })
      .catch((caught: unknown) => {
        const apiError = toApiError(caught);
        if (apiError.code !== 'ABORTED') {
          setError(apiError);
          setHits(null);
        }
      })
      .finally(() => !controller.signal.aborted && setLoading(false));
    return () => controller.abort();
  }, [query, find, filterKey]);

  const chooseFile = (file: File) => {
    setShareNote(null);
    setHits(null);
    setQuery({ file, asset: null });
    setUrl({ asset: null });
  };

  const switchMode = (next: Find) => {
    if (next === find) return;
    setQuery({ file: null, asset: null });
    setHits(null);
    setError(null);
    setShareNote(null);
    setUrl({ find: next, asset: null });
  };

  const share = async () => {
    setShareNote(null);
    try {
      let id = query.asset?.id ?? null;
      if (!id && query.file) {
        // An uploaded query has no address until it is stored; storing it makes the link work for anyone.
        const { ingestAsset } = await graphql<IngestAssetMutation>(
          INGEST_ASSET,
          { file: null, title: query.file.name, tags: [] },
          { uploads: [{ path: 'variables.file', file: query.file }] },
        );
        id = ingestAsset.id;
        setQuery({ file: null, asset: ingestAsset });
      }
      const search = new URLSearchParams({ find });
      if (id) search.set('asset', id);
      if (filters.tags.length) search.set('tags', filters.tags.join(','));
      if (filters.libraryId) search.set('library', filters.libraryId);
      const link = `${window.location.origin}${pathname}?${search.toString()}`;
      router.replace(`${pathname}?${search.toString()}`, { scroll: false });
      await navigator.clipboard?.writeText(link).catch(() => undefined);
      setShareNote(link);
    } catch (caught) {
      setError(toApiError(caught));
    }
  };

  const moreLikeThis = (id: string) => `/?find=${find}&asset=${id}`;
  const hasQuery = !!(query.file || query.asset);

  return (
    <>
      <div className="page-head">
        <h1>Search across image and sound</h1>
        <p>Drop an image to find music that fits it, or hum a tune to find images that match its mood, or music that carries it.</p>
      </div>
      <div className="row" style={{ marginBottom: '1rem' }}>
        <div className="segmented" role="tablist" aria-label="Search direction">
          <button type="button" role="tab" aria-selected={find === 'music'} onClick={() => switchMode('music')}>
            Image → music
          </button>
          <button type="button" role="tab" aria-selected={find === 'images'} onClick={() => switchMode('images')}>
            Sound → images
          </button>
          <button type="button" role="tab" aria-selected={find === 'music-by-sound'} onClick={() => switchMode('music-by-sound')}>
            Hum → music
          </button>
        </div>
      </div>
      <div className="two-col">
        <section className="panel stack" aria-label="Query">
          {find === 'music' ? (
            <DropZone
              accept="image/*"
              label={query.file ? 'Drop another image' : 'Drop an image or click to pick one'}
              hint="PNG, JPEG, WebP or GIF"
              onFiles={([file]) => chooseFile(file)}
            >
              <ImagePreview className="preview" file={query.file} alt="Your query image" />
            </DropZone>
          ) : (
            <>
              <Recorder onRecorded={chooseFile} />
              <DropZone
                accept="audio/*,.wav,.mp3,.ogg,.opus,.flac"
                label="…or drop an audio file"
                hint="WAV, MP3, OGG, Opus or FLAC"
                onFiles={([file]) => chooseFile(file)}
              />
              {soundUrl && <AudioPlayer src={soundUrl} label="your recording" />}
            </>
          )}
          {query.asset && (
            <div className="stack" style={{ gap: '0.4rem' }}>
              <span className="muted small">Searching like</span>
              {query.asset.kind === 'IMAGE' ? (
                <Link href={`/assets/${query.asset.id}`}>
                  {/* eslint-disable-next-line @next/next/no-img-element */}
                  <img className="preview" style={{ maxWidth: '100%', borderRadius: 8 }} src={mediaSrc(query.asset.url)} alt={assetTitle(query.asset)} />
                </Link>
              ) : (
                <>
                  <Link href={`/assets/${query.asset.id}`}>{assetTitle(query.asset)}</Link>
                  <AudioPlayer src={mediaSrc(query.asset.url)} label={assetTitle(query.asset)} />
                </>
              )}
            </div>
          )}
          <FilterBar value={filters} onChange={(next) => setUrl({ filters: next })} />
          {hasQuery && (
            <div className="stack" style={{ gap: '0.3rem' }}>
              <button type="button" onClick={() => void share()}><Icon name="link" /> Share this search</button>
              {query.file && !query.asset && (
                <span className="muted small">Sharing stores your query file in the library so the link works (needs an API key).</span>
              )}
              {shareNote && (
                <span className="notice ok small" role="status">
                  Link copied: <a href={shareNote} className="mono">{shareNote}</a>
                </span>
              )}
            </div>
          )}
        </section>
        <section ref={resultsRef} aria-label="Results" aria-busy={loading} className="stack" style={{ scrollMarginTop: '7rem' }}>
          <ErrorNote error={error} />
          {loading && <Loading label={findsMusic ? 'Listening for matching music…' : 'Looking for matching images…'} />}
          {!loading && !error && !hasQuery && (
            <Empty>
              {find === 'music'
                ? 'Results appear here: ranked tracks you can play, with their captions and tags.'
                : find === 'music-by-sound'
                  ? 'Results appear here: ranked tracks that carry your tune. Record up to 10 s or drop a clip.'
                  : 'Results appear here: a ranked grid of images. Record up to 10 s or drop a clip.'}
            </Empty>
          )}
          {!loading && hits && hits.length === 0 && <Empty>Nothing matched. Loosen the tag or library filters.</Empty>}
          {hits && hits.length > 0 && (
            <>
              <h2 className="visually-hidden">Results</h2>
              {findsMusic ? (
                <TrackList hits={hits} moreLikeThis={moreLikeThis} />
              ) : (
                <div className="grid" aria-label="Image results" role="list">
                  {hits.map((hit) => (
                    <div role="listitem" key={hit.asset.id}>
                      <AssetCard asset={hit.asset} score={hit.score} guideLink />
                    </div>
                  ))}
                </div>
              )}
            </>
          )}
        </section>
      </div>
    </>
  );
}
