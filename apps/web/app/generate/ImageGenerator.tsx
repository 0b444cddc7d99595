'use client';
import { useEffect, useState } from 'react';
import ErrorNote from '@/components/ErrorNote';
import { useLibraries } from '@/components/FilterBar';
import SourcePicker from './SourcePicker';
import GeneratedPicture from './GeneratedPicture';
import type { GeneratedAsset } from './GeneratedPiece';
import GenerationOutcome from './GenerationOutcome';
import { CountChoice, EngineHeading, FieldProblem, FormNotes, NumberInput, ProblemSummary, SavingFields, SeedInput, SubmitRow } from './FormControls';
import { useGeneratorForm } from './useGeneratorForm';
import { useGenerationRun, useWebsocketUrl } from './useGenerationRun';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { ASSET, GENERATE_IMAGE } from '@/lib/operations';
import type { SubscriptionAddress } from '@/lib/subscription';
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
} from '@/lib/imageRequest';
import type { AssetQuery, GenerateImageMutation } from '@/lib/generated/graphql';

/** The music → image form (MusIm), its job with the picture so far, and its pictures. */
export default function ImageGenerator({ subscription, guideId }: { subscription: SubscriptionAddress | null; guideId: string | null }) {
  const imageForm = useGeneratorForm<ImageForm>(DEFAULT_IMAGE_FORM);
  const { form, setForm, set, problems, notes, setNotes, formTop, refill } = imageForm;
  const run = useGenerationRun({
    formState: imageForm,
    buildRequest: buildImageRequest,
    startJob: (variables, options) => graphql<GenerateImageMutation>(GENERATE_IMAGE, variables, options).then((d) => d.generateImage.id),
    refusedField: refusedImageField,
  });
  const { submitting, uploaded, startError, unavailable } = run;
  const [guideError, setGuideError] = useState<ApiError | null>(null);
  const websocketUrl = useWebsocketUrl(subscription);
  const libraries = useLibraries();
  const libraryList = libraries.data?.libraries ?? null;

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
  }, [guideId, setForm, setNotes]);

  const onUseAsGuide = (asset: GeneratedAsset) =>
    refill(guideFrom(asset, form), [`“${assetTitle(asset)}” is the guide image now; press Generate for a picture that starts from it.`]);

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
          void run.submit();
        }}
      >
        <EngineHeading titleId="generate-image-title" title="Picture from music" unavailable={unavailable}>
          MusIm paints a picture for a track: latent diffusion conditioned on the music’s MuVis embedding, optionally starting from a guide image. The same seed and settings give the same picture.
        </EngineHeading>
        <FormNotes notes={notes} />
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
                <CountChoice label="Pictures" labelId="image-count-label" form={form} set={set} problems={problems} />
              </div>
              <label className="row small">
                <input type="checkbox" checked={form.upscale} onChange={(e) => set('upscale', e.target.checked)} /> Upscale 2× to 512×512 (Lanczos)
              </label>
            </fieldset>

            <details className="folded">
              <summary>Diffusion and seed</summary>
              <div className="row" style={{ alignItems: 'flex-start', marginTop: '0.6rem' }}>
                <NumberInput field="steps" label="Steps" form={form} set={set} problems={problems} step={1} min={IMAGE_BOUNDS.steps.min} max={IMAGE_BOUNDS.steps.max} hint="more is finer and slower" idPrefix="image-" />
                <label className="field">
                  Sampler
                  <select value={form.sampler} onChange={(e) => set('sampler', e.target.value)}>
                    <option value="">default ({SAMPLERS[0][1]})</option>
                    {SAMPLERS.map(([value, words]) => <option key={value} value={value}>{words}</option>)}
                  </select>
                  <FieldProblem problems={problems} field="sampler" />
                </label>
                <NumberInput field="guidanceScale" label="Guidance scale" form={form} set={set} problems={problems} step={0.5} min={IMAGE_BOUNDS.guidanceScale.min} max={IMAGE_BOUNDS.guidanceScale.max} hint="how closely it follows the music" idPrefix="image-" />
                <SeedInput form={form} set={set} problems={problems} max={IMAGE_BOUNDS.seed.max} idPrefix="image-" />
              </div>
            </details>

            <SavingFields libraries={libraryList} form={form} set={set} problems={problems} titlePlaceholder="Picture for <the track’s title>" titleMax={IMAGE_BOUNDS.title} />
          </div>
        </div>

        {!startError && <ProblemSummary problems={problems} />}
        <SubmitRow submitting={submitting} uploaded={uploaded}>
          {form.count === '1' ? 'Generate a picture' : `Generate ${form.count} pictures`}
        </SubmitRow>
        <ErrorNote error={startError} title="Not started." hint={startError ? imageGenerationHint(startError.code) : null} />
      </form>

      <GenerationOutcome
        run={run}
        websocketUrl={websocketUrl}
        hint={imageGenerationHint}
        titleId="image-results-title"
        heading={(count) => (count === 1 ? 'Your picture' : `${count} pictures`)}
        listClassName="picture-grid"
        listLabel="Pictures"
        renderResult={(asset) => <GeneratedPicture asset={asset} libraries={libraryList} onUseAsGuide={onUseAsGuide} />}
      />
    </section>
  );
}
