'use client';
import { useState } from 'react';
import ErrorNote from '@/components/ErrorNote';
import { useLibraries } from '@/components/FilterBar';
import SourcePicker from './SourcePicker';
import GeneratedPiece, { type GeneratedAsset } from './GeneratedPiece';
import GenerationOutcome from './GenerationOutcome';
import PastGenerations from './PastGenerations';
import { CountChoice, EngineHeading, FieldProblem, FormNotes, NumberInput, ProblemSummary, SavingFields, SeedInput, SubmitRow } from './FormControls';
import { useGeneratorForm, type Problem, type Setter } from './useGeneratorForm';
import { useGenerationRun, useWebsocketUrl } from './useGenerationRun';
import { graphql } from '@/lib/graphql';
import { GENERATE_MUSIC } from '@/lib/operations';
import type { SubscriptionAddress } from '@/lib/subscription';
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
} from '@/lib/musicRequest';
import type { GenerateMusicMutation, GenerateMusicMutationVariables } from '@/lib/generated/graphql';

function Choice({ field, label, form, set, options, disabled, free }: {
  field: 'key' | 'mode' | 'meter' | 'style' | 'density';
  label: string;
  form: MusicForm;
  set: Setter<MusicForm>;
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

function Instruments({ form, set, problems }: { form: MusicForm; set: Setter<MusicForm>; problems: Problem<MusicForm>[] }) {
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
  const musicForm = useGeneratorForm<MusicForm>(DEFAULT_FORM);
  const { form, set, problems, notes, formTop, refill } = musicForm;
  const [refreshKey, setRefreshKey] = useState(0);
  const run = useGenerationRun({
    formState: musicForm,
    buildRequest: buildMusicRequest,
    startJob: (variables: GenerateMusicMutationVariables, options) =>
      graphql<GenerateMusicMutation>(GENERATE_MUSIC, variables, options).then((d) => d.generateMusic.id),
    refusedField,
    onSucceeded: () => setRefreshKey((k) => k + 1),
  });
  const { submitting, uploaded, startError, unavailable } = run;
  const websocketUrl = useWebsocketUrl(subscription);
  const libraries = useLibraries();
  const libraryList = libraries.data?.libraries ?? null;

  const onContinue = (asset: GeneratedAsset) =>
    refill(continueFrom(asset, form), [`“${asset.title ?? 'The piece'}” is the music to continue; press Generate for what comes next.`]);
  const onSameSeed = (asset: GeneratedAsset) => {
    if (!asset.generation) return;
    const restored = formFromGeneration(asset.generation, form);
    refill(restored.form, [`The form holds the seed (${asset.generation.seed}) and settings of “${asset.title ?? 'the piece'}”.`, ...restored.notes]);
  };

  const prompted = !!form.prompt;
  return (
    <section className="stack" style={{ gap: '1.25rem' }} aria-label="Image to music" data-engine="Imagic" data-available={!unavailable}>
      <form
        ref={formTop}
        className="panel stack music-form"
        aria-labelledby="generate-music-title"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run.submit();
        }}
      >
        <EngineHeading titleId="generate-music-title" title="Image → music" unavailable={unavailable}>
          Imagic writes music for a picture: a transformer conditioned on the image’s MuVis embedding writes MIDI, rendered to WAV. The same seed and settings give the same piece.
        </EngineHeading>
        <FormNotes notes={notes} />
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
                <CountChoice label="Variations" labelId="count-label" form={form} set={set} problems={problems} />
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
                <SeedInput form={form} set={set} problems={problems} max={BOUNDS.seed.max} />
              </div>
            </details>

            <SavingFields libraries={libraryList} form={form} set={set} problems={problems} titlePlaceholder="Music for <the image’s title>" titleMax={BOUNDS.title} />
          </div>
        </div>

        {!startError && <ProblemSummary problems={problems} />}
        <SubmitRow submitting={submitting} uploaded={uploaded}>
          {`Generate ${form.count === '1' ? 'music' : `${form.count} variations`}`}
        </SubmitRow>
        <ErrorNote error={startError} title="Not started." hint={startError ? generationHint(startError.code) : null} />
      </form>

      <GenerationOutcome
        run={run}
        websocketUrl={websocketUrl}
        titleId="results-title"
        heading={(count) => (count === 1 ? 'Your piece' : `${count} variations`)}
        listClassName="piece-list"
        listLabel="Results"
        renderResult={(asset) => <GeneratedPiece asset={asset} libraries={libraryList} onContinue={onContinue} onSameSeed={onSameSeed} notesOpen />}
      />
      <PastGenerations refreshKey={refreshKey} libraries={libraryList} onContinue={onContinue} onSameSeed={onSameSeed} />
    </section>
  );
}
