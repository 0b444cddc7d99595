'use client';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'next/navigation';
import DropZone from '@/components/DropZone';
import AudioPlayer from '@/components/AudioPlayer';
import ErrorNote from '@/components/ErrorNote';
import ImagePreview from '@/components/ImagePreview';
import Empty from '@/components/Empty';
import Loading from '@/components/Loading';
import Progress from '@/components/Progress';
import { useLibraries } from '@/components/FilterBar';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { useJob } from '@/lib/hooks';
import { ASSET, ASSETS, INGEST_ASSET, ADD_TAGS, SUGGEST_TAGS_FOR_ASSET, SUGGEST_TAGS_FOR_FILE, TAG_ASSETS } from '@/lib/operations';
import { assetTitle, formatPercent, mediaSrc } from '@/lib/format';
import type { AddTagsMutation, AssetQuery, AssetsQuery, IngestAssetMutation, SuggestTagsForAssetQuery, SuggestTagsForFileQuery, TagAssetsMutation } from '@/lib/generated/graphql';
import type { Asset, SuggestedTag } from '@/lib/types';

const SUGGESTIONS = 8;
const REVIEW_LIMIT = 24;
type Verdict = 'accepted' | 'rejected';

interface Candidate {
  key: string;
  /** an uploaded file not stored yet, or a stored asset */
  file?: File;
  fileUrl?: string;
  asset?: Asset;
  suggestions: SuggestedTag[] | null;
  verdicts: Record<string, Verdict>;
  error?: ApiError;
  /** 'failed': no suggestions could be had (it can be asked again). A failed apply goes back to
   * 'ready' with its error, so the same choices can be applied again, e.g. once a key is saved. */
  state: 'suggesting' | 'ready' | 'applying' | 'applied' | 'failed';
}

export default function TagPage() {
  const params = useSearchParams();
  const singleAsset = params.get('asset');
  const [source, setSource] = useState<'files' | 'library'>(singleAsset ? 'library' : 'files');
  const [libraryId, setLibraryId] = useState('');
  const [minScore, setMinScore] = useState(0.2);
  const [items, setItems] = useState<Candidate[]>([]);
  const [listError, setListError] = useState<ApiError | null>(null);
  const [loadingList, setLoadingList] = useState(false);
  const libraries = useLibraries();

  const patch = (key: string, change: Partial<Candidate> | ((c: Candidate) => Partial<Candidate>)) =>
    setItems((all) => all.map((c) => (c.key === key ? { ...c, ...(typeof change === 'function' ? change(c) : change) } : c)));

  const defaultVerdicts = (suggestions: SuggestedTag[], existing: string[]) =>
    Object.fromEntries(suggestions.map((s) => [s.name, s.score >= minScore && !existing.includes(s.name) ? 'accepted' : 'rejected'])) as Record<string, Verdict>;

  const suggestFor = async (candidate: Candidate) => {
    patch(candidate.key, { state: 'suggesting', error: undefined });
    try {
      const suggestions = candidate.file
        ? (await graphql<SuggestTagsForFileQuery>(SUGGEST_TAGS_FOR_FILE, { file: null, first: SUGGESTIONS }, { uploads: [{ path: 'variables.file', file: candidate.file }] })).suggestTags
        : (await graphql<SuggestTagsForAssetQuery>(SUGGEST_TAGS_FOR_ASSET, { assetId: candidate.asset!.id, first: SUGGESTIONS })).suggestTags;
      const existing = candidate.asset?.tags.map((t) => t.name) ?? [];
      patch(candidate.key, { suggestions, verdicts: defaultVerdicts(suggestions, existing), state: 'ready' });
    } catch (caught) {
      patch(candidate.key, { error: toApiError(caught), state: 'failed' });
    }
  };

  const review = async (fresh: Candidate[]) => {
    setItems((all) => [...fresh, ...all]);
    for (const candidate of fresh) await suggestFor(candidate);
  };

  // A single asset named in the URL (from an asset page's "Suggest tags").
  useEffect(() => {
    if (!singleAsset) return;
    graphql<AssetQuery>(ASSET, { id: singleAsset })
      .then(({ asset }) => {
        if (!asset) throw new ApiError('NOT_FOUND', `No asset with id ${singleAsset}.`);
        setItems([]);
        void review([{ key: asset.id, asset, suggestions: null, verdicts: {}, state: 'suggesting' }]);
      })
      .catch((caught: unknown) => setListError(toApiError(caught)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [singleAsset]);

  const loadLibrary = async (id: string) => {
    setLibraryId(id);
    setItems([]);
    setListError(null);
    if (!id) return;
    setLoadingList(true);
    try {
      const { assets } = await graphql<AssetsQuery>(ASSETS, { filter: { libraryId: id }, first: REVIEW_LIMIT });
      setLoadingList(false);
      await review(assets.edges.map(({ node }) => ({ key: node.id, asset: node, suggestions: null, verdicts: {}, state: 'suggesting' as const })));
    } catch (caught) {
      setListError(toApiError(caught));
      setLoadingList(false);
    }
  };

  const addFiles = (files: File[]) =>
    void review(
      files.map((file, i) => ({
        key: `${Date.now()}-${i}-${file.name}`,
        file,
        fileUrl: URL.createObjectURL(file),
        suggestions: null,
        verdicts: {},
        state: 'suggesting' as const,
      })),
    );

  const acceptedOf = (c: Candidate) => Object.entries(c.verdicts).filter(([, v]) => v === 'accepted').map(([name]) => name);

  const applyOne = async (c: Candidate) => {
    const tags = acceptedOf(c);
    patch(c.key, { state: 'applying', error: undefined });
    try {
      if (c.file) {
        const { ingestAsset } = await graphql<IngestAssetMutation>(
          INGEST_ASSET,
          { file: null, title: c.file.name.replace(/\.[^.]+$/, ''), tags },
          { uploads: [{ path: 'variables.file', file: c.file }] },
        );
        patch(c.key, { state: 'applied', asset: ingestAsset, file: undefined });
      } else {
        const { addTags } = await graphql<AddTagsMutation>(ADD_TAGS, { assetId: c.asset!.id, tags });
        patch(c.key, { state: 'applied', asset: addTags });
      }
    } catch (caught) {
      patch(c.key, { state: 'ready', error: toApiError(caught) });
    }
  };

  const pending = items.filter((c) => c.state === 'ready' && acceptedOf(c).length > 0);
  const applyAll = async () => {
    for (const c of pending) await applyOne(c);
  };

  const setAll = (verdict: Verdict) =>
    setItems((all) => all.map((c) => (c.state === 'ready' ? { ...c, verdicts: Object.fromEntries(Object.keys(c.verdicts).map((n) => [n, verdict])) } : c)));

  const reThreshold = (value: number) => {
    setMinScore(value);
    setItems((all) =>
      all.map((c) =>
        c.state === 'ready' && c.suggestions
          ? { ...c, verdicts: Object.fromEntries(c.suggestions.map((s) => [s.name, s.score >= value ? 'accepted' : 'rejected'])) as Record<string, Verdict> }
          : c,
      ),
    );
  };

  const totalAccepted = useMemo(() => pending.reduce((n, c) => n + acceptedOf(c).length, 0), [pending]);

  return (
    <>
      <div className="page-head">
        <h1>Tag</h1>
        <p>Muse suggests tags from each item&apos;s nearest neighbours in the joint image–music space. Accept or reject each suggestion, then apply them in one go.</p>
      </div>
      <div className="two-col">
        <section className="panel stack" aria-label="What to tag">
          <div className="segmented" role="tablist" aria-label="Source">
            <button type="button" role="tab" aria-selected={source === 'files'} onClick={() => setSource('files')}>Upload files</button>
            <button type="button" role="tab" aria-selected={source === 'library'} onClick={() => setSource('library')}>A library</button>
          </div>
          {source === 'files' ? (
            <DropZone
              accept="image/*,audio/*,.wav,.mp3,.ogg,.opus,.flac"
              multiple
              label="Drop images or audio to get tag suggestions"
              hint="Applying stores each file with the tags you accepted."
              onFiles={addFiles}
            />
          ) : (
            <label className="field">
              Library
              <select aria-label="Library" value={libraryId} onChange={(e) => void loadLibrary(e.target.value)}>
                <option value="">Choose a library…</option>
                {(libraries.data?.libraries ?? []).map((l) => (
                  <option key={l.id} value={l.id}>{l.name} ({l.assetCount})</option>
                ))}
              </select>
            </label>
          )}
          <label className="field">
            Accept suggestions scoring at least <span className="mono">{minScore.toFixed(2)}</span>
            <input type="range" min={0} max={1} step={0.05} value={minScore} onChange={(e) => reThreshold(Number(e.target.value))} />
          </label>
          <div className="row">
            <button type="button" className="small" onClick={() => setAll('accepted')} disabled={!items.length}>Accept all</button>
            <button type="button" className="small" onClick={() => setAll('rejected')} disabled={!items.length}>Reject all</button>
          </div>
          <button type="button" className="primary" disabled={pending.length === 0} onClick={() => void applyAll()}>
            Apply {totalAccepted} tag{totalAccepted === 1 ? '' : 's'} to {pending.length} item{pending.length === 1 ? '' : 's'}
          </button>
          {source === 'library' && libraryId && <LibraryJob libraryId={libraryId} minScore={minScore} />}
        </section>
        <section className="stack" aria-label="Suggestions">
          <ErrorNote error={listError} />
          {loadingList && <Loading label="Loading the library…" />}
          {items.length === 0 && !loadingList && (
            <Empty>{source === 'files' ? 'Drop files to see suggested tags here.' : 'Choose a library to review its first items here.'}</Empty>
          )}
          <ul className="track-list" aria-label="Items to tag">
            {items.map((c) => (
              <CandidateRow
                key={c.key}
                candidate={c}
                onToggle={(name) =>
                  patch(c.key, (cur) => ({ verdicts: { ...cur.verdicts, [name]: cur.verdicts[name] === 'accepted' ? 'rejected' : 'accepted' } }))
                }
                onApply={() => void applyOne(c)}
                onRetry={() => void suggestFor(c)}
                accepted={acceptedOf(c).length}
              />
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}

interface CandidateRowProps {
  candidate: Candidate;
  onToggle: (name: string) => void;
  onApply: () => void;
  onRetry: () => void;
  accepted: number;
}

function CandidateRow({ candidate: c, onToggle, onApply, onRetry, accepted }: CandidateRowProps) {
  const name = c.file ? c.file.name : c.asset ? assetTitle(c.asset) : '';
  const isImage = c.file ? c.file.type.startsWith('image/') : c.asset?.kind === 'IMAGE';
  const mediaUrl = c.fileUrl ?? (c.asset ? mediaSrc(c.asset.url) : undefined);
  return (
    <li className="track" data-state={c.state} data-name={name}>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        {isImage && c.file && <ImagePreview file={c.file} alt="" className="tag-thumb" />}
        {isImage && !c.file && mediaUrl && (
          // eslint-disable-next-line @next/next/no-img-element
          <img src={mediaUrl} alt="" className="tag-thumb" />
        )}
        <div className="stack grow" style={{ gap: '0.4rem' }}>
          <strong>{c.asset && c.state === 'applied' ? <a href={`/assets/${c.asset.id}`}>{name}</a> : name}</strong>
          {!isImage && mediaUrl && <AudioPlayer src={mediaUrl} label={name} />}
          {c.asset && c.asset.tags.length > 0 && (
            <span className="small muted">Has: {c.asset.tags.map((t) => t.name).join(', ')}</span>
          )}
          {c.state === 'suggesting' && <Loading label="Suggesting…" />}
          {c.suggestions && c.suggestions.length === 0 && <span className="muted small">No suggestions: the index has no tagged neighbours yet.</span>}
          {c.suggestions && c.state !== 'applied' && (
            <div className="tags" role="group" aria-label={`Suggested tags for ${name}`}>
              {c.suggestions.map((s) => (
                <button
                  key={s.name}
                  type="button"
                  className={`tag ${c.verdicts[s.name] ?? 'rejected'}`}
                  aria-pressed={c.verdicts[s.name] === 'accepted'}
                  onClick={() => onToggle(s.name)}
                  title={c.verdicts[s.name] === 'accepted' ? 'Accepted: click to reject' : 'Rejected: click to accept'}
                >
                  {c.verdicts[s.name] === 'accepted' ? '✓' : '✕'} {s.name} <span className="score">{s.score.toFixed(2)}</span>
                </button>
              ))}
            </div>
          )}
          {c.state === 'applied' && (
            <p className="notice ok small" role="status">
              Tags applied{c.asset ? `: ${c.asset.tags.map((t) => t.name).join(', ')}` : ''}.
            </p>
          )}
          {c.error && <ErrorNote error={c.error} />}
        </div>
        {c.state === 'ready' && (
          <button type="button" className="small" disabled={accepted === 0} onClick={onApply}>Apply {accepted}</button>
        )}
        {c.state === 'failed' && (
          <button type="button" className="small" onClick={onRetry}>Suggest again</button>
        )}
      </div>
    </li>
  );
}

interface TagJobResult {
  processed: number;
  tagged: number;
  tagsApplied: number;
}

/** Tags a whole library on the server as a job, with live progress. */
function LibraryJob({ libraryId, minScore }: { libraryId: string; minScore: number }) {
  const [jobId, setJobId] = useState<string | null>(null);
  const [startError, setStartError] = useState<ApiError | null>(null);
  const { job, error } = useJob(jobId);
  const result = job?.status === 'SUCCEEDED' ? (job.result as TagJobResult | null) : null;
  const running = !!jobId && (!job || job.status === 'QUEUED' || job.status === 'RUNNING');

  const start = async () => {
    setStartError(null);
    setJobId(null);
    try {
      const { tagAssets } = await graphql<TagAssetsMutation>(TAG_ASSETS, { libraryId, minScore, apply: true });
      setJobId(tagAssets.id);
    } catch (caught) {
      setStartError(toApiError(caught));
    }
  };

  return (
    <fieldset className="stack">
      <legend>Whole library</legend>
      <p className="small muted" style={{ margin: 0 }}>
        Apply every suggestion scoring at least {minScore.toFixed(2)} to all items of the library, on the server.
      </p>
      <button type="button" onClick={() => void start()} disabled={running}>
        {running ? 'Tagging…' : 'Tag the whole library'}
      </button>
      {job && (
        <div className="stack" style={{ gap: '0.3rem' }} aria-live="polite">
          <Progress value={job.progress} label="Library tagging progress" failed={job.status === 'FAILED'} />
          <span className="small muted">
            {job.status.toLowerCase()} · {formatPercent(job.progress)}
          </span>
        </div>
      )}
      {result && (
        <p className="notice ok small" role="status">
          Done: {result.processed} items looked at, {result.tagged} tagged, {result.tagsApplied} tags applied.
        </p>
      )}
      {job?.status === 'FAILED' && <ErrorNote error={new ApiError('INTERNAL_SERVER_ERROR', job.error ?? 'The job failed.')} />}
      <ErrorNote error={startError ?? error} />
    </fieldset>
  );
}
