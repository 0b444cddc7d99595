'use client';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import ErrorNote from '@/components/ErrorNote';
import Progress from '@/components/Progress';
import { useLibraries } from '@/components/FilterBar';
import SourcePicker from './SourcePicker';
import GenerationProgress from './GenerationProgress';
import GeneratedPicture from './GeneratedPicture';
import type { GeneratedAsset } from './GeneratedPiece';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { ASSET, GENERATE_IMAGE, GENERATED_ASSET } from '@/lib/operations';
import { browserWebsocketUrl, type SubscriptionAddress } from '@/lib/subscription';
import { assetTitle } from '@/lib/format';
import {
  buildImageRequest,
  DEFAULT_IMAGE_FORM,
  guideFrom,
  IMAGE_BOUNDS,
  imageGenerationHint,
  refusedImageField,
  SAMPLERS,
  type ImageForm,
  type ImageProblem,
} from '@/lib/imageRequest';
import type { AssetQuery, GeneratedAssetQuery, GenerateImageMutation } from '@/lib/generated/graphql';

type Setter = <K extends keyof ImageForm>(field: K, value: ImageForm[K]) => void;

function randomSeed(): string {
  const values = new Uint32Array(1);
  crypto.getRandomValues(values);
  return String(values[0] % (IMAGE_BOUNDS.seed.max + 1));
}

function FieldProblem({ problems, field }: { problems: ImageProblem[]; field: keyof ImageForm }) {
  const found = problems.filter((p) => p.field === field);
  if (!found.length) return null;
  return <span className="field-problem small" role="alert">{found.map((p) => p.message).join(' ')}</span>;
}

function NumberInput({ field, label, form, set, problems, step, min, max, placeholder, hint }: {
  field: 'steps' | 'guidanceScale' | 'seed';
  label: string;
  form: ImageForm;
  set: Setter;
  problems: ImageProblem[];
  step: number;
  min: number;
  max: number;
  placeholder?: string;
  hint?: ReactNode;
}) {
  const hintId = `image-${field}-hint`;
  return (
    <label className="field">
      {label}
      <input
        aria-label={label}
        aria-describedby={hint ? hintId : undefined}
        type="number"
        inputMode="decimal"
        step={step}
        min={min}
        max={max}
        placeholder={placeholder}
        value={form[field]}
        aria-invalid={problems.some((p) => p.field === field)}
        onChange={(e) => set(field, e.target.value)}
        style={{ width: '8rem' }}
      />
      {hint && <span id={hintId} className="muted small">{hint}</span>}
      <FieldProblem problems={problems} field={field} />
    </label>
  );
}

/** The music → image form (MusIm), its job with the picture so far, and its pictures. */
export default function ImageGenerator({ subscription, guideId }: { subscription: SubscriptionAddress | null; guideId: string | null }) {
  const [form, setForm] = useState<ImageForm>(DEFAULT_IMAGE_FORM);
  const [problems, setProblems] = useState<ImageProblem[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [startError, setStartError] = useState<ApiError | null>(null);
  const [guideError, setGuideError] = useState<ApiError | null>(null);
  const [job, setJob] = useState<{ id: string; count: number } | null>(null);
  const [results, setResults] = useState<GeneratedAsset[]>([]);
  const [resultError, setResultError] = useState<ApiError | null>(null);
  const [websocketUrl, setWebsocketUrl] = useState<string | null>(null);
  const formTop = useRef<HTMLFormElement>(null);
  const libraries = useLibraries();
  const libraryList = libraries.data?.libraries ?? null;

  // a setting to fix inside a folded group unfolds it
  useEffect(() => {
    formTop.current?.querySelectorAll('details').forEach((fold) => {
      if (fold.querySelector('[aria-invalid="true"], .field-problem')) fold.open = true;
    });
  }, [problems]);

  // the page's host is known in the browser only
  useEffect(() => setWebsocketUrl(browserWebsocketUrl(subscription, window.location.hostname)), [subscription]);

  // /generate?guide=<id> (the "Use as guide" links elsewhere) starts with that image as the guide
  useEffect(() => {
    if (!guideId) return;
    let current = true;
    setGuideError(null);
    graphql<AssetQuery>(ASSET, { id: guideId })
      .then(({ asset }) => {
        if (!current) return;
        if (!asset) throw new ApiError('NOT_FOUND', `No asset with id ${guideId}: choose a guide image here instead.`);
        if (asset.kind !== 'IMAGE') throw new ApiError('BAD_USER_INPUT', `“${assetTitle(asset)}” is a track, not an image: it cannot guide a picture.`);
        setForm((f) => guideFrom(asset, f));
        setNotes([`“${assetTitle(asset)}” is the guide image; choose the music and press Generate.`]);
      })
      .catch((caught: unknown) => {
        if (current) setGuideError(toApiError(caught));
      });
    return () => {
      current = false;
    };
  }, [guideId]);

  const set: Setter = useCallback((field, value) => {
    setForm((current) => ({ ...current, [field]: value }));
    setProblems((current) => current.filter((p) => p.field !== field));
  }, []);

  const onUseAsGuide = (asset: GeneratedAsset) => {
    setForm((current) => guideFrom(asset, current));
    setProblems([]);
    setNotes([`“${assetTitle(asset)}” is the guide image now; press Generate for a picture that starts from it.`]);
    formTop.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  const onSucceeded = useCallback(async (assetIds: string[]) => {
    try {
      const found = await Promise.all(assetIds.map((id) => graphql<GeneratedAssetQuery>(GENERATED_ASSET, { id }).then((d) => d.asset)));
      setResults(found.filter((a): a is GeneratedAsset => !!a));
    } catch (caught) {
      setResultError(toApiError(caught));
    }
  }, []);

  const submit = async () => {
    const request = buildImageRequest(form);
    if (!request.ok) {
      setProblems(request.problems);
      return;
    }
    setProblems([]);
    setNotes([]);
    setStartError(null);
    setResultError(null);
    setResults([]);
    setSubmitting(true);
    setUploaded(request.uploads.length ? 0 : null);
    try {
      const { generateImage } = await graphql<GenerateImageMutation>(GENERATE_IMAGE, request.variables, {
        uploads: request.uploads,
        onUploadProgress: setUploaded,
      });
      setJob({ id: generateImage.id, count: request.variables.input.count ?? 1 });
    } catch (caught) {
      const error = toApiError(caught);
      setStartError(error);
      const field = error.code === 'BAD_USER_INPUT' || error.code === 'NOT_FOUND' ? refusedImageField(error.detail) : null;
      if (field) setProblems([{ field, message: `The API refused this: ${error.detail}` }]);
    } finally {
      setSubmitting(false);
      setUploaded(null);
    }
  };

  // The schema offers generateImage, but only a request tells whether this server has a bundle loaded.
  const unavailable = startError?.code === 'SERVICE_UNAVAILABLE';
  const strength = Number(form.strength || 0);
  return (
    <section className="stack" style={{ gap: '1.25rem' }} aria-label="Music to image" data-engine="MusIm" data-available={!unavailable}>
      <form
        ref={formTop}
        className="panel stack image-form"
        aria-labelledby="generate-image-title"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="row spread">
          <div>
            <h2 id="generate-image-title">Picture from music</h2>
            <p className="muted small" style={{ margin: 0 }}>
              MusIm paints a picture for a track: latent diffusion conditioned on the music’s MuVis embedding, optionally starting from a guide image. The same seed and settings give the same picture.
            </p>
          </div>
          <span className={`tag ${unavailable ? '' : 'accepted'}`}>{unavailable ? 'engine not available' : 'engine offered'}</span>
        </div>
        {notes.length > 0 && (
          <div className="notice ok small" role="status">
            {notes.map((n) => <div key={n}>{n}</div>)}
          </div>
        )}
        <ErrorNote error={guideError} title="The guide from the link was not set." />
        <div className="generate-grid">
          <div className="stack">
            <SourcePicker
              name="Music"
              title="Music"
              hint="WAV, MP3, OGG, Opus or FLAC — a track, a clip, a hummed tune."
              kind="AUDIO"
              accept="audio/*,.wav,.mp3,.ogg,.opus,.flac"
              recordable
              value={form.audio}
              onChange={(slot) => set('audio', slot)}
              problem={problems.find((p) => p.field === 'audio')?.message}
            />
            <SourcePicker
              name="Guide"
              title={<>Guide image <span className="muted small">(optional)</span></>}
              hint="The picture starts from this image; the strength says how far it may move away."
              kind="IMAGE"
              accept="image/png,image/jpeg,image/webp,image/gif"
              value={form.guide}
              onChange={(slot) => set('guide', slot)}
              problem={problems.find((p) => p.field === 'guide')?.message}
            >
              {form.guide && (
                <label className="field">
                  Strength: {strength.toFixed(2)} <span className="muted small">(0 = the guide as it is, 1 = ignore the guide)</span>
                  <input
                    type="range"
                    aria-label="Guide strength"
                    min={IMAGE_BOUNDS.strength.min}
                    max={IMAGE_BOUNDS.strength.max}
                    step={0.05}
                    value={form.strength}
                    onChange={(e) => set('strength', e.target.value)}
                  />
                  <FieldProblem problems={problems} field="strength" />
                </label>
              )}
            </SourcePicker>
          </div>

          <div className="stack">
            <fieldset className="stack">
              <legend>The picture</legend>
              <div className="row" style={{ alignItems: 'flex-start' }}>
                <div className="field">
                  <span id="image-count-label">Pictures</span>
                  <div className="segmented" role="radiogroup" aria-labelledby="image-count-label">
                    {[1, 2, 3, 4].map((n) => (
                      <button key={n} type="button" role="radio" aria-checked={form.count === String(n)} onClick={() => set('count', String(n))}>
                        {n}
                      </button>
                    ))}
                  </div>
                  <FieldProblem problems={problems} field="count" />
                </div>
              </div>
              <label className="row small">
                <input type="checkbox" checked={form.upscale} onChange={(e) => set('upscale', e.target.checked)} /> Upscale 2× to 512×512 (Lanczos)
              </label>
            </fieldset>

            <details className="folded">
              <summary>Diffusion and seed</summary>
              <div className="row" style={{ alignItems: 'flex-start', marginTop: '0.6rem' }}>
                <NumberInput field="steps" label="Steps" form={form} set={set} problems={problems} step={1} min={IMAGE_BOUNDS.steps.min} max={IMAGE_BOUNDS.steps.max} hint="more is finer and slower" />
                <label className="field">
                  Sampler
                  <select value={form.sampler} onChange={(e) => set('sampler', e.target.value)}>
                    <option value="">default ({SAMPLERS[0][1]})</option>
                    {SAMPLERS.map(([value, words]) => <option key={value} value={value}>{words}</option>)}
                  </select>
                  <FieldProblem problems={problems} field="sampler" />
                </label>
                <NumberInput field="guidanceScale" label="Guidance scale" form={form} set={set} problems={problems} step={0.5} min={IMAGE_BOUNDS.guidanceScale.min} max={IMAGE_BOUNDS.guidanceScale.max} hint="how closely it follows the music" />
                <div className="row" style={{ alignItems: 'flex-end', gap: '0.4rem' }}>
                  <NumberInput field="seed" label="Seed" form={form} set={set} problems={problems} step={1} min={0} max={IMAGE_BOUNDS.seed.max} placeholder="random" hint="empty: a new one each time" />
                  <button type="button" className="small" onClick={() => set('seed', randomSeed())} title="Pick a random seed now, to reuse later" style={{ marginBottom: '1.6rem' }}>Random</button>
                </div>
              </div>
            </details>

            <fieldset className="row" style={{ alignItems: 'flex-start' }}>
              <legend>Saving</legend>
              <label className="field">
                Save into library
                <select value={form.libraryId} onChange={(e) => set('libraryId', e.target.value)}>
                  <option value="">{libraryList?.length ? 'no library (the results are kept either way)' : 'no libraries yet'}</option>
                  {(libraryList ?? []).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
                </select>
                <FieldProblem problems={problems} field="libraryId" />
              </label>
              <label className="field grow">
                Title
                <input type="text" placeholder="Picture for <the track’s title>" value={form.title} maxLength={IMAGE_BOUNDS.title + 20} onChange={(e) => set('title', e.target.value)} />
                <FieldProblem problems={problems} field="title" />
              </label>
            </fieldset>
          </div>
        </div>

        {problems.length > 0 && !startError && (
          <p className="notice error small" role="alert">
            {problems.length === 1 ? problems[0].message : `Fix ${problems.length} settings first: ${problems.map((p) => p.message).join(' ')}`}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={submitting}>
            {submitting ? (uploaded !== null ? 'Uploading…' : 'Starting…') : form.count === '1' ? 'Generate a picture' : `Generate ${form.count} pictures`}
          </button>
          {uploaded !== null && <div className="grow"><Progress value={uploaded} label="Upload progress" /></div>}
        </div>
        <ErrorNote error={startError} title="Not started." hint={startError ? imageGenerationHint(startError.code) : null} />
      </form>

      {job && (
        <GenerationProgress
          key={job.id}
          jobId={job.id}
          count={job.count}
          websocketUrl={websocketUrl}
          onSucceeded={(ids) => void onSucceeded(ids)}
          hint={imageGenerationHint}
        />
      )}
      <ErrorNote error={resultError} />
      {results.length > 0 && (
        <section className="stack" aria-labelledby="image-results-title">
          <h2 id="image-results-title" style={{ margin: 0 }}>{results.length === 1 ? 'Your picture' : `${results.length} pictures`}</h2>
          <ol className="picture-grid" aria-label="Pictures">
            {results.map((asset) => (
              <li key={asset.id}>
                <GeneratedPicture asset={asset} libraries={libraryList} onUseAsGuide={onUseAsGuide} />
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
