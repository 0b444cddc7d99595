'use client';
import type { ReactNode } from 'react';
import Progress from '@/components/Progress';
import type { Library } from '@/lib/types';

/** What is wrong with one field of a generation form, in words for the person filling it in. */
export interface FormProblem {
  field: string;
  message: string;
}

export function FieldProblem({ problems, field }: { problems: readonly FormProblem[]; field: string }) {
  const found = problems.filter((p) => p.field === field);
  if (!found.length) return null;
  return <span className="field-problem small" role="alert">{found.map((p) => p.message).join(' ')}</span>;
}

/** A number typed as text, so that it can be left empty (the engine's default). */
export function NumberInput<K extends string>({ field, label, form, set, problems, step, min, max, placeholder, disabled, hint, idPrefix = '' }: {
  field: K;
  label: string;
  form: Record<K, string>;
  set: (field: K, value: string) => void;
  problems: readonly FormProblem[];
  step: number | 'any';
  min: number;
  max: number;
  placeholder?: string;
  disabled?: boolean;
  hint?: ReactNode;
  /** keeps the hint's id apart from another form's field of the same name */
  idPrefix?: string;
}) {
  const hintId = `${idPrefix}${field}-hint`;
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

function randomSeed(max: number): string {
  const values = new Uint32Array(1);
  crypto.getRandomValues(values);
  return String(values[0] % (max + 1));
}

/** The seed field and its "Random" button: the same seed and settings give the same result. */
export function SeedInput({ form, set, problems, max, idPrefix }: {
  form: { seed: string };
  set: (field: 'seed', value: string) => void;
  problems: readonly FormProblem[];
  max: number;
  idPrefix?: string;
}) {
  return (
    <div className="row" style={{ alignItems: 'flex-end', gap: '0.4rem' }}>
      <NumberInput field="seed" label="Seed" form={form} set={set} problems={problems} step={1} min={0} max={max} placeholder="random" hint="empty: a new one each time" idPrefix={idPrefix} />
      <button type="button" className="small" onClick={() => set('seed', randomSeed(max))} title="Pick a random seed now, to reuse later" style={{ marginBottom: '1.6rem' }}>Random</button>
    </div>
  );
}

/** How many results one job makes: 1 to 4, as a row of radio buttons. */
export function CountChoice({ label, labelId, form, set, problems }: {
  label: string;
  labelId: string;
  form: { count: string };
  set: (field: 'count', value: string) => void;
  problems: readonly FormProblem[];
}) {
  return (
    <div className="field">
      <span id={labelId}>{label}</span>
      <div className="segmented" role="radiogroup" aria-labelledby={labelId}>
        {[1, 2, 3, 4].map((n) => (
          <button key={n} type="button" role="radio" aria-checked={form.count === String(n)} onClick={() => set('count', String(n))}>
            {n}
          </button>
        ))}
      </div>
      <FieldProblem problems={problems} field="count" />
    </div>
  );
}

/** The "Saving" group: the library the results go into and their title. */
export function SavingFields({ libraries, form, set, problems, titlePlaceholder, titleMax }: {
  /** null while they load */
  libraries: Library[] | null;
  form: { libraryId: string; title: string };
  set: (field: 'libraryId' | 'title', value: string) => void;
  problems: readonly FormProblem[];
  titlePlaceholder: string;
  /** the API's limit; the input lets a little more through so that the refusal says why */
  titleMax: number;
}) {
  return (
    <fieldset className="row" style={{ alignItems: 'flex-start' }}>
      <legend>Saving</legend>
      <label className="field">
        Save into library
        <select value={form.libraryId} onChange={(e) => set('libraryId', e.target.value)}>
          <option value="">{libraries?.length ? 'no library (the results are kept either way)' : 'no libraries yet'}</option>
          {(libraries ?? []).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
        </select>
        <FieldProblem problems={problems} field="libraryId" />
      </label>
      <label className="field grow">
        Title
        <input type="text" placeholder={titlePlaceholder} value={form.title} maxLength={titleMax + 20} onChange={(e) => set('title', e.target.value)} />
        <FieldProblem problems={problems} field="title" />
      </label>
    </fieldset>
  );
}

/** The form's heading, what the engine does, and whether this server offers it. */
export function EngineHeading({ titleId, title, children, unavailable }: { titleId: string; title: string; children: ReactNode; unavailable: boolean }) {
  return (
    <div className="row spread">
      <div>
        <h2 id={titleId}>{title}</h2>
        <p className="muted small" style={{ margin: 0 }}>{children}</p>
      </div>
      <span className={`tag ${unavailable ? '' : 'accepted'}`}>{unavailable ? 'engine not available' : 'engine offered'}</span>
    </div>
  );
}

export function FormNotes({ notes }: { notes: string[] }) {
  if (!notes.length) return null;
  return (
    <div className="notice ok small" role="status">
      {notes.map((n) => <div key={n}>{n}</div>)}
    </div>
  );
}

/** Every problem at once, by the submit button, where the fields themselves may be folded away. */
export function ProblemSummary({ problems }: { problems: readonly FormProblem[] }) {
  if (!problems.length) return null;
  return (
    <p className="notice error small" role="alert">
      {problems.length === 1 ? problems[0].message : `Fix ${problems.length} settings first: ${problems.map((p) => p.message).join(' ')}`}
    </p>
  );
}

/** The submit button, which says what it is doing while the request starts, and the upload's progress. */
export function SubmitRow({ submitting, uploaded, children }: { submitting: boolean; uploaded: number | null; children: ReactNode }) {
  return (
    <div className="row">
      <button type="submit" className="primary" disabled={submitting}>
        {submitting ? (uploaded !== null ? 'Uploading…' : 'Starting…') : children}
      </button>
      {uploaded !== null && <div className="grow"><Progress value={uploaded} label="Upload progress" /></div>}
    </div>
  );
}
