'use client';
// Music → image (MusIm). The engine is not built yet (it has its own issue): this panel says so while the API
// has no generateImage mutation, and otherwise builds its form from the mutation's arguments as the schema
// describes them (lib/generation.ts), follows the job and shows the image — it never fakes a result.
import { useEffect, useMemo, useState } from 'react';
import Link from 'next/link';
import DropZone from '@/components/DropZone';
import AudioPlayer from '@/components/AudioPlayer';
import ErrorNote from '@/components/ErrorNote';
import Progress from '@/components/Progress';
import { useLibraries } from '@/components/FilterBar';
import { graphql } from '@/lib/graphql';
import { ApiError, toApiError } from '@/lib/errors';
import { useJob } from '@/lib/hooks';
import { ADD_TO_LIBRARY, ASSET } from '@/lib/operations';
import { buildGenerateRequest, isUpload, label, resultAssetIds, type FormField } from '@/lib/generation';
import { describeInputType, isRequired, namedType, type InputField, type MutationSpec } from '@/lib/capabilities';
import { assetTitle, formatPercent, mediaSrc } from '@/lib/format';
import type { AddToLibraryMutation, AssetQuery } from '@/lib/generated/graphql';
import type { Asset, Job } from '@/lib/types';

const MUTATION = 'generateImage';
const ENGINE = 'MusIm';
/** what the form shows while the engine is missing, so people see what is coming */
const PLACEHOLDER_OPTIONS = [
  { name: 'steps', label: 'Diffusion steps', value: '50' },
  { name: 'guidanceScale', label: 'Guidance scale', value: '3.0' },
  { name: 'seed', label: 'Seed', value: '' },
];

type Values = Record<string, string | boolean>;

type Field = FormField;

/** Flattens the mutation's arguments (one level into input objects) into form fields. */
async function fieldsOf(spec: MutationSpec): Promise<Field[]> {
  const fields: Field[] = [];
  for (const arg of spec.args) {
    if (isUpload(arg)) continue;
    const named = namedType(arg.type);
    if (named.kind === 'INPUT_OBJECT' && named.name) {
      const described = await describeInputType(named.name);
      for (const field of described?.fields ?? []) fields.push({ path: `${arg.name}.${field.name}`, spec: await withEnum(field) });
    } else fields.push({ path: arg.name, spec: await withEnum(arg) });
  }
  return fields;
}

async function withEnum(field: InputField): Promise<InputField> {
  const named = namedType(field.type);
  if (named.kind !== 'ENUM' || !named.name) return field;
  return { ...field, enumValues: (await describeInputType(named.name))?.enumValues ?? [] };
}

export default function MusimPanel({ spec, introspected }: { spec: MutationSpec | null; introspected: boolean }) {
  const readable = !!spec && introspected && (spec.returns === 'Job' || spec.returns === 'Asset');
  const available = !!spec && readable;
  const [fields, setFields] = useState<Field[] | null>(null);
  const [values, setValues] = useState<Values>({});
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [direct, setDirect] = useState<Asset | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const preview = useMemo(() => (file ? URL.createObjectURL(file) : null), [file]);
  const uploadArg = spec?.args.find(isUpload);

  useEffect(() => {
    if (!available || !spec) return;
    fieldsOf(spec).then(setFields, (caught: unknown) => setError(toApiError(caught)));
  }, [available, spec]);

  const submit = async () => {
    if (!spec || !fields || (uploadArg && !file)) return;
    setError(null);
    setJobId(null);
    setDirect(null);
    setSubmitting(true);
    const request = buildGenerateRequest(MUTATION, spec, fields, values, !!file);
    if (!request.ok) {
      setError(new ApiError('BAD_USER_INPUT', `Fill in ${request.missing.join(', ')}.`));
      setSubmitting(false);
      return;
    }
    try {
      const uploads = request.uploadPath && file ? [{ path: request.uploadPath, file }] : [];
      const data = await graphql<Record<string, Job | Asset>>(request.query, request.variables, { uploads });
      const out = data[MUTATION];
      if (spec.returns === 'Job') setJobId((out as Job).id);
      else setDirect(out as Asset);
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="panel stack" aria-labelledby="generateImage-title" data-engine={ENGINE} data-available={available}>
      <div className="row spread">
        <div>
          <h2 id="generateImage-title">Music → image</h2>
          <p className="muted small" style={{ margin: 0 }}>{ENGINE}: a latent diffusion model paints an image conditioned on the music’s MuVis embedding.</p>
        </div>
        <span className={`tag ${available ? 'accepted' : ''}`}>{available ? 'engine ready' : 'engine not available'}</span>
      </div>
      {!spec && (
        <p className="notice warn" role="status">
          The {ENGINE} engine is not available on this server yet, so nothing can be generated here. The API has no{' '}
          <code className="mono">{MUTATION}</code> mutation. The form stays disabled until it does.
        </p>
      )}
      {spec && !readable && (
        <p className="notice warn" role="status">
          This server has <code className="mono">{MUTATION}</code>, but its options cannot be read (schema introspection is off or the result type is unknown), so the web app will not guess them.
        </p>
      )}
      <fieldset disabled={!available || submitting} className="stack">
        <legend>Source music</legend>
        {(!available || uploadArg) && <DropZone
          accept="audio/*,.wav,.mp3,.ogg,.opus,.flac"
          label={file ? `Source: ${file.name} (drop to replace)` : 'Drop an audio file or click to pick'}
          onFiles={([f]) => setFile(f)}
          disabled={!available}
        />}
        {preview && <AudioPlayer src={preview} label="source music" />}
        <div className="row" style={{ alignItems: 'flex-end' }}>
          {available && fields
            ? fields.map((field) => <OptionInput key={field.path} field={field} value={values[field.path]} onChange={(v) => setValues((all) => ({ ...all, [field.path]: v }))} />)
            : PLACEHOLDER_OPTIONS.map((o) => (
                <label key={o.name} className="field">
                  {o.label}
                  <input type="text" defaultValue={o.value} style={{ width: '8rem' }} />
                </label>
              ))}
        </div>
        <div>
          <button type="button" className="primary" disabled={!available || !fields || (!!uploadArg && !file)} onClick={() => void submit()}>
            {submitting ? 'Starting…' : 'Generate an image'}
          </button>
        </div>
      </fieldset>
      <ErrorNote error={error} />
      {jobId && <GenerationJob jobId={jobId} />}
      {direct && <GeneratedResult assetIds={[direct.id]} />}
    </section>
  );
}

function OptionInput({ field, value, onChange }: { field: Field; value: string | boolean | undefined; onChange: (v: string | boolean) => void }) {
  const named = namedType(field.spec.type);
  const title = `${label(field.spec.name)}${isRequired(field.spec.type) ? ' *' : ''}`;
  const placeholder = field.spec.defaultValue ?? '';
  if (named.name === 'Boolean') {
    return (
      <label className="row small" title={field.spec.description ?? undefined}>
        <input type="checkbox" checked={value === true || (value === undefined && placeholder === 'true')} onChange={(e) => onChange(e.target.checked)} /> {title}
      </label>
    );
  }
  if (field.spec.enumValues?.length) {
    return (
      <label className="field" title={field.spec.description ?? undefined}>
        {title}
        <select value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)}>
          <option value="">{placeholder ? `default (${placeholder})` : 'default'}</option>
          {field.spec.enumValues.map((v) => <option key={v} value={v}>{v.toLowerCase()}</option>)}
        </select>
      </label>
    );
  }
  const numeric = named.name === 'Int' || named.name === 'Float';
  return (
    <label className="field" title={field.spec.description ?? undefined}>
      {title}
      <input
        type={numeric ? 'number' : 'text'}
        step={named.name === 'Float' ? 'any' : undefined}
        placeholder={placeholder}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value)}
        style={{ width: numeric ? '8rem' : '12rem' }}
      />
    </label>
  );
}

function GenerationJob({ jobId }: { jobId: string }) {
  const { job, error } = useJob(jobId);
  const ids = job?.status === 'SUCCEEDED' ? resultAssetIds(job.result) : null;
  return (
    <div className="stack" aria-live="polite">
      {job && (
        <>
          <Progress value={job.progress} label="Generation progress" failed={job.status === 'FAILED'} />
          <span className="small muted">{job.status.toLowerCase()} · {formatPercent(job.progress)}</span>
        </>
      )}
      {job?.status === 'FAILED' && <ErrorNote error={new ApiError('INTERNAL_SERVER_ERROR', job.error ?? 'Generation failed.')} />}
      {ids && ids.main.length === 0 && <p className="notice warn">The job finished but named no result asset.</p>}
      {ids && ids.main.length > 0 && <GeneratedResult assetIds={ids.main} midi={ids.midi} />}
      <ErrorNote error={error} />
    </div>
  );
}

function GeneratedResult({ assetIds, midi }: { assetIds: string[]; midi?: string | null }) {
  const [assets, setAssets] = useState<Asset[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const libraries = useLibraries();
  const [target, setTarget] = useState('');
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    Promise.all(assetIds.map((id) => graphql<AssetQuery>(ASSET, { id }).then((d) => d.asset)))
      .then((found) => setAssets(found.filter((a): a is Asset => !!a)))
      .catch((caught: unknown) => setError(toApiError(caught)));
  }, [assetIds]);

  const midiHref = midi ? (midi.startsWith('/') || midi.startsWith('http') ? midi : `/media/${midi}`) : null;
  return (
    <div className="stack">
      <ErrorNote error={error} />
      {assets.map((asset) => (
        <div key={asset.id} className="stack" data-generated-asset={asset.id}>
          {asset.kind === 'IMAGE' ? (
            // eslint-disable-next-line @next/next/no-img-element
            <img src={mediaSrc(asset.url)} alt={assetTitle(asset)} style={{ maxWidth: 360, width: '100%', borderRadius: 12 }} />
          ) : (
            <AudioPlayer src={mediaSrc(asset.url)} label={assetTitle(asset)} />
          )}
          <div className="row">
            <a className="button" href={mediaSrc(asset.url)} download>
              ⬇ {asset.kind === 'IMAGE' ? 'PNG' : asset.mime.includes('wav') ? 'WAV' : 'Audio'}
            </a>
            {midiHref && <a className="button" href={midiHref} download>⬇ MIDI</a>}
            <Link className="button" href={`/assets/${asset.id}`}>Open in library</Link>
            <select aria-label="Add to library" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Add to a library…</option>
              {(libraries.data?.libraries ?? []).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
            </select>
            <button
              type="button"
              disabled={!target}
              onClick={() =>
                graphql<AddToLibraryMutation>(ADD_TO_LIBRARY, { libraryId: target, assetIds: [asset.id] })
                  .then((d) => setNote(`Added to “${d.addAssetsToLibrary.name}”.`))
                  .catch((caught: unknown) => setError(toApiError(caught)))
              }
            >
              Add
            </button>
          </div>
          {note && <p className="notice ok small">{note}</p>}
        </div>
      ))}
    </div>
  );
}
