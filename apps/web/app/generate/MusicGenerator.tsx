'use client';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import ErrorNote from '@/components/ErrorNote';
import Progress from '@/components/Progress';
import { useLibraries } from '@/components/FilterBar';
import SourcePicker from './SourcePicker';
import GenerationProgress from './GenerationProgress';
import GeneratedPiece, { type GeneratedAsset } from './GeneratedPiece';
import PastGenerations from './PastGenerations';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { GENERATE_MUSIC, GENERATED_ASSET } from '@/lib/operations';
import { browserWebsocketUrl, type SubscriptionAddress } from '@/lib/subscription';
import {
  addInstrument,
  BOUNDS,
  buildMusicRequest,
  COMMON_INSTRUMENTS,
  continueFrom,
  DEFAULT_FORM,
  DENSITY_LABELS,
  DRUM_KITS,
  formFromGeneration,
  generationHint,
  instrumentName,
  isDrumKit,
  KEYS,
  METERS,
  MODES,
  promptFixes,
  refusedField,
  STYLES,
  type MusicForm,
  type Problem,
} from '@/lib/musicRequest';
import type { GeneratedAssetQuery, GenerateMusicMutation, GenerateMusicMutationVariables } from '@/lib/generated/graphql';

type Setter = <K extends keyof MusicForm>(field: K, value: MusicForm[K]) => void;

function randomSeed(): string {
  const values = new Uint32Array(1);
  crypto.getRandomValues(values);
  return String(values[0] % (BOUNDS.seed.max + 1));
}

function FieldProblem({ problems, field }: { problems: Problem[]; field: keyof MusicForm }) {
  const found = problems.filter((p) => p.field === field);
  if (!found.length) return null;
  return <span className="field-problem small" role="alert">{found.map((p) => p.message).join(' ')}</span>;
}

function NumberInput({ field, label, form, set, problems, step, min, max, placeholder, disabled, hint }: {
  field: 'seconds' | 'tempo' | 'temperature' | 'topP' | 'guidanceScale' | 'guideWeight' | 'seed';
  label: string;
  form: MusicForm;
  set: Setter;
  problems: Problem[];
  step: number | 'any';
  min: number;
  max: number;
  placeholder?: string;
  disabled?: boolean;
  hint?: ReactNode;
}) {
  const hintId = `${field}-hint`;
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
        disabled={disabled}
        value={disabled ? '' : form[field]}
        aria-invalid={problems.some((p) => p.field === field)}
        onChange={(e) => set(field, e.target.value)}
        style={{ width: '8rem' }}
      />
      {hint && <span id={hintId} className="muted small">{hint}</span>}
      <FieldProblem problems={problems} field={field} />
    </label>
  );
}

function Choice({ field, label, form, set, options, disabled, free }: {
  field: 'key' | 'mode' | 'meter' | 'style' | 'density' | 'libraryId';
  label: string;
  form: MusicForm;
  set: Setter;
  options: readonly (readonly [string, string])[];
  disabled?: boolean;
  /** the words of the empty choice */
  free: string;
}) {
  return (
    <label className="field">
      {label}
      <select value={disabled ? '' : form[field]} disabled={disabled} onChange={(e) => set(field, e.target.value)}>
        <option value="">{free}</option>
        {options.map(([value, words]) => <option key={value} value={value}>{words}</option>)}
      </select>
    </label>
  );
}

function Instruments({ form, set, problems }: { form: MusicForm; set: Setter; problems: Problem[] }) {
  const [draft, setDraft] = useState('');
  const chosen = new Set(form.instruments);
  const kit = form.instruments.find(isDrumKit);
  const addDraft = () => {
    set('instruments', addInstrument(form.instruments, draft));
    setDraft('');
  };
  const toggle = (value: string) => set('instruments', chosen.has(value) ? form.instruments.filter((i) => i !== value) : addInstrument(form.instruments, value));
  return (
    <div className="stack instruments" role="group" aria-labelledby="instruments-label" style={{ gap: '0.4rem' }}>
      <span id="instruments-label" className="field-label">
        Instruments <span className="muted small">{form.instruments.length ? `${form.instruments.length} chosen: the whole set` : 'none chosen: the model picks them'}</span>
      </span>
      <div className="tags">
        {COMMON_INSTRUMENTS.map(([program, name]) => (
          <button key={program} type="button" className="tag" aria-pressed={chosen.has(String(program))} onClick={() => toggle(String(program))}>
            {name}
          </button>
        ))}
        <button type="button" className="tag" aria-pressed={!!kit} onClick={() => toggle(kit ?? 'drums')}>Drums</button>
      </div>
      <div className="row" style={{ gap: '0.4rem' }}>
        <label className="field">
          Drum kit
          <select value={kit ? (kit === 'drums' ? 'standard' : kit.slice(6)) : ''} onChange={(e) => set('instruments', e.target.value ? addInstrument(form.instruments, e.target.value === 'standard' ? 'drums' : `drums:${e.target.value}`) : form.instruments.filter((i) => !isDrumKit(i)))}>
            <option value="">no drums</option>
            {DRUM_KITS.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
        <div className="row" style={{ gap: '0.4rem', alignItems: 'flex-end' }}>
          <label className="field">
            Other GM program (0–127)
            <input
              type="number"
              min={0}
              max={127}
              step={1}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key !== 'Enter') return;
                e.preventDefault(); // adds the program, not submits the generation
                addDraft();
              }}
              style={{ width: '7rem' }}
            />
          </label>
          <button type="button" className="small" disabled={!draft} onClick={addDraft}>Add</button>
        </div>
      </div>
      {form.instruments.some((i) => !isDrumKit(i) && !COMMON_INSTRUMENTS.some(([p]) => String(p) === i)) && (
        <div className="tags">
          {form.instruments.filter((i) => !isDrumKit(i) && !COMMON_INSTRUMENTS.some(([p]) => String(p) === i)).map((i) => (
            <button key={i} type="button" className="tag" aria-pressed="true" aria-label={`Remove ${instrumentName(i)}`} onClick={() => toggle(i)}>{instrumentName(i)} ✕</button>
          ))}
        </div>
      )}
      <FieldProblem problems={problems} field="instruments" />
    </div>
  );
}

/** The image → music form (Imagic), its job, its results and the past generations. */
export default function MusicGenerator({ subscription }: { subscription: SubscriptionAddress | null }) {
  const [form, setForm] = useState<MusicForm>(DEFAULT_FORM);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [startError, setStartError] = useState<ApiError | null>(null);
  const [job, setJob] = useState<{ id: string; count: number } | null>(null);
  const [results, setResults] = useState<GeneratedAsset[]>([]);
  const [resultError, setResultError] = useState<ApiError | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
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

  const set: Setter = useCallback((field, value) => {
    setForm((current) => ({ ...current, [field]: value }));
    setProblems((current) => current.filter((p) => p.field !== field));
  }, []);

  const refill = (next: MusicForm, words: string[]) => {
    setForm(next);
    setProblems([]);
    setNotes(words);
    formTop.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };
  const onContinue = (asset: GeneratedAsset) =>
    refill(continueFrom(asset, form), [`“${asset.title ?? 'The piece'}” is the music to continue; press Generate for what comes next.`]);
  const onSameSeed = (asset: GeneratedAsset) => {
    if (!asset.generation) return;
    const restored = formFromGeneration(asset.generation, form);
    refill(restored.form, [`The form holds the seed (${asset.generation.seed}) and settings of “${asset.title ?? 'the piece'}”.`, ...restored.notes]);
  };

  const onSucceeded = useCallback(async (assetIds: string[]) => {
    setRefreshKey((k) => k + 1);
    try {
      const found = await Promise.all(assetIds.map((id) => graphql<GeneratedAssetQuery>(GENERATED_ASSET, { id }).then((d) => d.asset)));
      setResults(found.filter((a): a is GeneratedAsset => !!a));
    } catch (caught) {
      setResultError(toApiError(caught));
    }
  }, []);

  const submit = async () => {
    const request = buildMusicRequest(form);
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
      const variables: GenerateMusicMutationVariables = request.variables;
      const { generateMusic } = await graphql<GenerateMusicMutation>(GENERATE_MUSIC, variables, {
        uploads: request.uploads,
        onUploadProgress: setUploaded,
      });
      setJob({ id: generateMusic.id, count: request.variables.input.count ?? 1 });
    } catch (caught) {
      const error = toApiError(caught);
      setStartError(error);
      const field = error.code === 'BAD_USER_INPUT' || error.code === 'NOT_FOUND' ? refusedField(error.detail) : null;
      if (field) setProblems([{ field, message: `The API refused this: ${error.detail}` }]);
    } finally {
      setSubmitting(false);
      setUploaded(null);
    }
  };

  const prompted = !!form.prompt;
  // The schema offers generateMusic, but only a request tells whether this server has a bundle loaded.
  const unavailable = startError?.code === 'SERVICE_UNAVAILABLE';
  return (
    <section className="stack" style={{ gap: '1.25rem' }} aria-label="Image to music" data-engine="Imagic" data-available={!unavailable}>
      <form
        ref={formTop}
        className="panel stack music-form"
        aria-labelledby="generate-music-title"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="row spread">
          <div>
            <h2 id="generate-music-title">Image → music</h2>
            <p className="muted small" style={{ margin: 0 }}>
              Imagic writes music for a picture: a transformer conditioned on the image’s MuVis embedding writes MIDI, rendered to WAV. The same seed and settings give the same piece.
            </p>
          </div>
          <span className={`tag ${unavailable ? '' : 'accepted'}`}>{unavailable ? 'engine not available' : 'engine offered'}</span>
        </div>
        {notes.length > 0 && (
          <div className="notice ok small" role="status">
            {notes.map((n) => <div key={n}>{n}</div>)}
          </div>
        )}
        <div className="generate-grid">
          <div className="stack">
            <SourcePicker
              name="Image"
              title="Image"
              hint="PNG, JPEG, WebP or GIF — a screenshot, a painting, a photo."
              kind="IMAGE"
              accept="image/png,image/jpeg,image/webp,image/gif"
              value={form.image}
              onChange={(slot) => set('image', slot)}
              problem={problems.find((p) => p.field === 'image')?.message}
            />
            <details className="source-more" open={!!form.prompt || !!form.guide}>
              <summary>Music to continue or steer towards (optional)</summary>
              <div className="stack" style={{ marginTop: '0.6rem' }}>
                <SourcePicker
                  name="Prompt"
                  title="Music to continue"
                  hint="A MIDI file, or audio (at most 30 s; it is transcribed to notes). The piece starts with it and goes on in the image’s style."
                  kind="AUDIO"
                  accept=".mid,.midi,audio/midi,audio/x-midi,audio/*,.wav,.mp3,.ogg,.opus,.flac"
                  value={form.prompt}
                  onChange={(slot) => set('prompt', slot)}
                  problem={problems.find((p) => p.field === 'prompt')?.message}
                />
                <SourcePicker
                  name="Guide"
                  title="Guide track"
                  hint="Audio whose feel is blended with the image’s (the weight says how much)."
                  kind="AUDIO"
                  accept="audio/*,.wav,.mp3,.ogg,.opus,.flac"
                  value={form.guide}
                  onChange={(slot) => set('guide', slot)}
                  problem={problems.find((p) => p.field === 'guide')?.message}
                >
                  {form.guide && (
                    <label className="field">
                      Guide weight: {Number(form.guideWeight || 0).toFixed(2)} <span className="muted small">(0 = the image only, 1 = the guide only)</span>
                      <input type="range" min={0} max={1} step={0.05} value={form.guideWeight} onChange={(e) => set('guideWeight', e.target.value)} />
                      <FieldProblem problems={problems} field="guideWeight" />
                    </label>
                  )}
                </SourcePicker>
              </div>
            </details>
          </div>

          <div className="stack">
            <fieldset className="stack">
              <legend>The piece</legend>
              <div className="row" style={{ alignItems: 'flex-start' }}>
                <NumberInput field="seconds" label="Length (seconds)" form={form} set={set} problems={problems} step={1} min={BOUNDS.seconds.min} max={BOUNDS.seconds.max} hint={prompted ? 'after the music to continue' : `${BOUNDS.seconds.min}–${BOUNDS.seconds.max} s`} />
                <div className="field">
                  <span id="count-label">Variations</span>
                  <div className="segmented" role="radiogroup" aria-labelledby="count-label">
                    {[1, 2, 3, 4].map((n) => (
                      <button key={n} type="button" role="radio" aria-checked={form.count === String(n)} onClick={() => set('count', String(n))}>
                        {n}
                      </button>
                    ))}
                  </div>
                  <FieldProblem problems={problems} field="count" />
                </div>
                <Choice field="style" label="Style" form={form} set={set} free="the image decides" options={STYLES.map((s) => [s, s.replace(/-/g, ' ')] as const)} />
              </div>
              <input
                type="range"
                aria-label="Length slider"
                min={BOUNDS.seconds.min}
                max={BOUNDS.seconds.max}
                step={1}
                value={Number(form.seconds) || BOUNDS.seconds.min}
                onChange={(e) => set('seconds', e.target.value)}
              />
              <label className="row small">
                <input type="checkbox" checked={form.loop} onChange={(e) => set('loop', e.target.checked)} /> Loop: end on a bar line so that it repeats seamlessly (game music)
              </label>
            </fieldset>

            <details className="folded">
              <summary>Tempo, key and instruments</summary>
              <div className="stack" style={{ marginTop: '0.6rem' }}>
                {prompted && <p className="muted small" style={{ margin: 0 }}>The music to continue sets its own tempo and meter.</p>}
                <div className="row" style={{ alignItems: 'flex-start' }}>
                  <NumberInput field="tempo" label="Tempo (BPM)" form={form} set={set} problems={problems} step={1} min={BOUNDS.tempo.min} max={BOUNDS.tempo.max} placeholder="free" disabled={promptFixes(form, 'tempo')} />
                  <Choice field="key" label="Key" form={form} set={set} free="free" options={KEYS} />
                  <Choice field="mode" label="Mode" form={form} set={set} free="free" options={MODES.map((m) => [m, m] as const)} />
                  <Choice field="meter" label="Meter" form={form} set={set} free="free" options={METERS.map((m) => [m, m] as const)} disabled={promptFixes(form, 'meter')} />
                  <Choice field="density" label="Density (notes per beat)" form={form} set={set} free="free" options={DENSITY_LABELS.map((words, bin) => [String(bin), `${bin}: ${words}`] as const)} />
                </div>
                <Instruments form={form} set={set} problems={problems} />
              </div>
            </details>

            <details className="folded">
              <summary>Sampling and seed</summary>
              <div className="row" style={{ alignItems: 'flex-start', marginTop: '0.6rem' }}>
                <NumberInput field="temperature" label="Temperature" form={form} set={set} problems={problems} step={0.05} min={BOUNDS.temperature.min} max={BOUNDS.temperature.max} hint="lower is safer, higher is wilder" />
                <NumberInput field="topP" label="Top-p" form={form} set={set} problems={problems} step={0.01} min={0.01} max={1} hint="share of likely notes kept" />
                <NumberInput field="guidanceScale" label="Guidance scale" form={form} set={set} problems={problems} step={0.5} min={BOUNDS.guidanceScale.min} max={BOUNDS.guidanceScale.max} hint="how closely it follows the image" />
                <div className="row" style={{ alignItems: 'flex-end', gap: '0.4rem' }}>
                  <NumberInput field="seed" label="Seed" form={form} set={set} problems={problems} step={1} min={0} max={BOUNDS.seed.max} placeholder="random" hint="empty: a new one each time" />
                  <button type="button" className="small" onClick={() => set('seed', randomSeed())} title="Pick a random seed now, to reuse later" style={{ marginBottom: '1.6rem' }}>Random</button>
                </div>
              </div>
            </details>

            <fieldset className="row" style={{ alignItems: 'flex-start' }}>
              <legend>Saving</legend>
              <Choice
                field="libraryId"
                label="Save into library"
                form={form}
                set={set}
                free={libraries.data?.libraries.length ? 'no library (the results are kept either way)' : 'no libraries yet'}
                options={(libraries.data?.libraries ?? []).map((l) => [l.id, l.name] as const)}
              />
              <label className="field grow">
                Title
                <input type="text" placeholder="Music for <the image’s title>" value={form.title} maxLength={BOUNDS.title + 20} onChange={(e) => set('title', e.target.value)} />
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
            {submitting ? (uploaded !== null ? 'Uploading…' : 'Starting…') : `Generate ${form.count === '1' ? 'music' : `${form.count} variations`}`}
          </button>
          {uploaded !== null && <div className="grow"><Progress value={uploaded} label="Upload progress" /></div>}
        </div>
        <ErrorNote error={startError} title="Not started." hint={startError ? generationHint(startError.code) : null} />
      </form>

      {job && <GenerationProgress key={job.id} jobId={job.id} count={job.count} websocketUrl={websocketUrl} onSucceeded={(ids) => void onSucceeded(ids)} />}
      <ErrorNote error={resultError} />
      {results.length > 0 && (
        <section className="stack" aria-labelledby="results-title">
          <h2 id="results-title" style={{ margin: 0 }}>{results.length === 1 ? 'Your piece' : `${results.length} variations`}</h2>
          <ol className="piece-list" aria-label="Results">
            {results.map((asset) => (
              <li key={asset.id}>
                <GeneratedPiece asset={asset} libraries={libraryList} onContinue={onContinue} onSameSeed={onSameSeed} notesOpen />
              </li>
            ))}
          </ol>
        </section>
      )}
      <PastGenerations refreshKey={refreshKey} libraries={libraryList} onContinue={onContinue} onSameSeed={onSameSeed} />
    </section>
  );
}
