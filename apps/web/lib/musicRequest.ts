// The Generate page's image → music form: its state, its defaults, the choices its controls offer, the
// generateMusic request it makes (variables and the files that travel beside them), and the way back from a
// recorded generation to a filled-in form ("same seed again", "continue this").
import type { GenerateMusicInput } from './generated/graphql';
import type { Upload } from './graphql';

/** What fills a source slot: a file from the user's disk, or an asset already in the library. */
export type SourceSlot =
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'asset'; asset: SourceAsset };

export interface SourceAsset {
  id: string;
  kind: 'AUDIO' | 'IMAGE';
  title: string | null;
  url: string;
  durationSeconds?: number | null;
}

export type SourceRole = 'image' | 'prompt' | 'guide';

/** Every control as the form holds it: text as typed, so a field can be left empty (the model chooses). */
export interface MusicForm {
  image: SourceSlot | null;
  prompt: SourceSlot | null;
  guide: SourceSlot | null;
  guideWeight: string;
  seconds: string;
  tempo: string;
  key: string;
  mode: string;
  meter: string;
  style: string;
  /** GM programs as numbers in text, and at most one kit: "drums" or "drums:<kit>" */
  instruments: string[];
  density: string;
  loop: boolean;
  temperature: string;
  topP: string;
  guidanceScale: string;
  seed: string;
  count: string;
  libraryId: string;
  title: string;
}

/** The engine's defaults (packages/generation DEFAULTS) and the API's default length. */
export const DEFAULT_FORM: MusicForm = {
  image: null,
  prompt: null,
  guide: null,
  guideWeight: '0.5',
  seconds: '10',
  tempo: '',
  key: '',
  mode: '',
  meter: '',
  style: '',
  instruments: [],
  density: '',
  loop: false,
  temperature: '1',
  topP: '0.95',
  guidanceScale: '3',
  seed: '',
  count: '1',
  libraryId: '',
  title: '',
};

/** The bounds generateMusic documents (its input's descriptions); the server may be set tighter. */
export const BOUNDS = {
  seconds: { min: 5, max: 120 },
  tempo: { min: 40, max: 240 },
  density: { min: 0, max: 9 },
  temperature: { min: 0, max: 5 },
  topP: { min: 0, max: 1 },
  guidanceScale: { min: 0, max: 20 },
  guideWeight: { min: 0, max: 1 },
  seed: { min: 0, max: 2_147_483_647 },
  count: { min: 1, max: 4 },
  melodicInstruments: 15,
  title: 200,
} as const;

export const KEYS = [
  ['C', 'C'], ['Db', 'C♯ / D♭'], ['D', 'D'], ['Eb', 'D♯ / E♭'], ['E', 'E'], ['F', 'F'],
  ['Gb', 'F♯ / G♭'], ['G', 'G'], ['Ab', 'G♯ / A♭'], ['A', 'A'], ['Bb', 'A♯ / B♭'], ['B', 'B'],
] as const;
export const MODES = ['major', 'minor'] as const;
export const METERS = ['4/4', '3/4', '2/4', '5/4', '6/4', '7/4', '2/2', '3/2', '3/8', '5/8', '6/8', '7/8', '9/8', '12/8'] as const;
export const STYLES = [
  'ambient', 'ballad', 'blues', 'cinematic', 'classical', 'devotional', 'electronic', 'folk', 'funk', 'hip-hop', 'jazz',
  'latin', 'lullaby', 'march', 'metal', 'pop', 'r-and-b', 'reggae', 'rock', 'waltz', 'world',
] as const;
export const DRUM_KITS = ['standard', 'room', 'power', 'electronic', 'tr808', 'jazz', 'brush', 'orchestra'] as const;
/** Density bins: notes per beat below each edge (the tokenizer's DENSITY_EDGES), for the control's labels. */
export const DENSITY_LABELS = ['< 2', '2–3', '3–4.5', '4.5–6', '6–7.5', '7.5–9', '9–10.5', '10.5–12', '12–14', '14 +'] as const;

/** General MIDI programs offered as chips; any other program 0–127 can be typed in. */
export const COMMON_INSTRUMENTS: readonly (readonly [number, string])[] = [
  [0, 'Piano'], [4, 'Electric piano'], [11, 'Vibraphone'], [12, 'Marimba'], [19, 'Church organ'], [24, 'Nylon guitar'],
  [25, 'Steel guitar'], [27, 'Clean electric guitar'], [30, 'Distortion guitar'], [32, 'Acoustic bass'], [33, 'Electric bass'],
  [38, 'Synth bass'], [40, 'Violin'], [42, 'Cello'], [46, 'Harp'], [47, 'Timpani'], [48, 'Strings'], [52, 'Choir'],
  [56, 'Trumpet'], [57, 'Trombone'], [60, 'French horn'], [61, 'Brass section'], [65, 'Alto sax'], [68, 'Oboe'],
  [71, 'Clarinet'], [73, 'Flute'], [75, 'Pan flute'], [80, 'Square lead'], [81, 'Saw lead'], [89, 'Warm pad'],
  [95, 'Sweep pad'], [104, 'Sitar'], [108, 'Kalimba'],
];

export function instrumentName(value: string): string {
  if (value === 'drums') return 'Drums';
  if (value.startsWith('drums:')) return `Drums (${value.slice(6)})`;
  const program = Number(value);
  return COMMON_INSTRUMENTS.find(([p]) => p === program)?.[1] ?? `Program ${value}`;
}

export function isDrumKit(value: string): boolean {
  return value === 'drums' || value.startsWith('drums:');
}

/** generateMusic's input as this form sends it (files are null here: they travel beside the variables). */
export type MusicInput = GenerateMusicInput;

export interface Problem {
  field: keyof MusicForm;
  message: string;
}

export type MusicRequest =
  | { ok: true; variables: { input: MusicInput }; uploads: Upload[] }
  | { ok: false; problems: Problem[] };

type NumberField = 'seconds' | 'tempo' | 'density' | 'temperature' | 'topP' | 'guidanceScale' | 'guideWeight' | 'seed' | 'count';

const FIELD_WORDS: Record<NumberField, string> = {
  seconds: 'Length', tempo: 'Tempo', density: 'Density', temperature: 'Temperature', topP: 'Top-p',
  guidanceScale: 'Guidance scale', guideWeight: 'Guide weight', seed: 'Seed', count: 'Variations',
};
const WHOLE: ReadonlySet<NumberField> = new Set(['tempo', 'density', 'seed', 'count']);

/**
 * The number a field holds, checked against its bounds; undefined when it is empty. Top-p excludes 0
 * (nucleus sampling over nothing), the other bounds are inclusive.
 */
function readNumber(form: MusicForm, field: NumberField, problems: Problem[]): number | undefined {
  const raw = String(form[field]).trim();
  if (raw === '') return undefined;
  const value = Number(raw);
  const { min, max } = BOUNDS[field];
  const words = FIELD_WORDS[field];
  if (!Number.isFinite(value)) problems.push({ field, message: `${words} must be a number.` });
  else if (WHOLE.has(field) && !Number.isInteger(value)) problems.push({ field, message: `${words} must be a whole number.` });
  else if (value < min || value > max || (field === 'topP' && value === 0)) {
    const range = field === 'topP' ? 'above 0 and at most 1' : `from ${min} to ${max}`;
    problems.push({ field, message: `${words} must be ${range}.` });
  } else return value;
  return undefined;
}

function addSource(role: SourceRole, slot: SourceSlot | null, input: MusicInput, uploads: Upload[]) {
  if (!slot) return;
  if (slot.kind === 'asset') input[`${role}AssetId`] = slot.asset.id;
  else {
    input[role] = null;
    uploads.push({ path: `variables.input.${role}`, file: slot.file, name: slot.name });
  }
}

/** A prompt fixes its own tempo and meter: the form does not send those while one is set. */
export function promptFixes(form: Pick<MusicForm, 'prompt'>, field: keyof MusicForm): boolean {
  return !!form.prompt && (field === 'tempo' || field === 'meter');
}

/** The generateMusic variables and uploads for the form, or what to fix first. Empty fields are left to the model. */
export function buildMusicRequest(form: MusicForm): MusicRequest {
  const problems: Problem[] = [];
  const input: MusicInput = {};
  const uploads: Upload[] = [];
  if (!form.image) problems.push({ field: 'image', message: 'Choose an image: drop one in, or pick one from the library.' });
  if (form.image?.kind === 'asset' && form.image.asset.kind !== 'IMAGE') problems.push({ field: 'image', message: 'The image slot takes an image.' });
  for (const role of ['prompt', 'guide'] as const) {
    const slot = form[role];
    if (slot?.kind === 'asset' && slot.asset.kind !== 'AUDIO') problems.push({ field: role, message: `The ${role} slot takes music.` });
  }
  addSource('image', form.image, input, uploads);
  addSource('prompt', form.prompt, input, uploads);
  addSource('guide', form.guide, input, uploads);

  const numbers: Partial<Record<NumberField, number>> = {};
  for (const field of Object.keys(FIELD_WORDS) as NumberField[]) {
    if (promptFixes(form, field)) continue;
    if (field === 'guideWeight' && !form.guide) continue;
    const value = readNumber(form, field, problems);
    if (value !== undefined) numbers[field] = value;
  }
  if (numbers.seconds === undefined && !problems.some((p) => p.field === 'seconds')) {
    problems.push({ field: 'seconds', message: `Length must be from ${BOUNDS.seconds.min} to ${BOUNDS.seconds.max} seconds.` });
  }
  Object.assign(input, numbers);

  if (form.key) input.key = form.key;
  if (form.mode) input.mode = form.mode;
  if (form.meter && !promptFixes(form, 'meter')) input.meter = form.meter;
  if (form.style) input.style = form.style;
  if (form.instruments.length) {
    const kits = form.instruments.filter(isDrumKit).length;
    const programs = form.instruments.length - kits;
    if (kits > 1) problems.push({ field: 'instruments', message: 'A piece plays at most one drum kit.' });
    if (programs > BOUNDS.melodicInstruments) problems.push({ field: 'instruments', message: `A piece plays at most ${BOUNDS.melodicInstruments} instruments besides drums (MIDI's melodic channels).` });
    input.instruments = [...form.instruments];
  }
  if (form.loop) input.loop = true;
  if (form.libraryId) input.libraryId = form.libraryId;
  const title = form.title.trim();
  if (title.length > BOUNDS.title) problems.push({ field: 'title', message: `A title has at most ${BOUNDS.title} characters.` });
  else if (title) input.title = title;

  return problems.length ? { ok: false, problems } : { ok: true, variables: { input }, uploads };
}

/** Adds an instrument (a program number or a kit) to the set, replacing any other kit; ignores what is no instrument. */
export function addInstrument(instruments: readonly string[], value: string): string[] {
  const clean = value.trim().toLowerCase();
  if (isDrumKit(clean)) {
    if (clean !== 'drums' && !DRUM_KITS.includes(clean.slice(6) as (typeof DRUM_KITS)[number])) return [...instruments];
    return [...instruments.filter((i) => !isDrumKit(i)), clean];
  }
  if (!/^\d{1,3}$/.test(clean) || Number(clean) > 127) return [...instruments];
  const program = String(Number(clean));
  return instruments.includes(program) ? [...instruments] : [...instruments, program];
}

/** A recorded generation, as the API describes it (Asset.generation). */
export interface RecordedGeneration {
  seed: number;
  parameters: unknown;
  sources: { role: string; asset: SourceAsset | null }[];
}

export interface RestoredForm {
  form: MusicForm;
  /** what could not be put back, in words */
  notes: string[];
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * "Same seed again": the form as it was for this piece — its own seed (a variation's seed is the request's
 * plus its index, so one variation with it makes the same piece), its parameters and controls, its sources
 * where they are stored. What the user chose for saving (library, title) stays as it is.
 */
export function formFromGeneration(generation: RecordedGeneration, current: MusicForm): RestoredForm {
  const p = (generation.parameters && typeof generation.parameters === 'object' ? generation.parameters : {}) as Record<string, unknown>;
  const controls = (p.controls && typeof p.controls === 'object' ? p.controls : {}) as Record<string, unknown>;
  const notes: string[] = [];
  const source = (role: string): SourceSlot | null => {
    const found = generation.sources.find((s) => s.role.toUpperCase() === role);
    return found?.asset ? { kind: 'asset', asset: found.asset } : null;
  };
  const form: MusicForm = {
    ...DEFAULT_FORM,
    libraryId: current.libraryId,
    title: current.title,
    image: source('IMAGE') ?? current.image,
    prompt: source('PROMPT'),
    guide: source('GUIDE'),
    seed: text(generation.seed),
    count: '1',
    seconds: text(p.seconds ?? DEFAULT_FORM.seconds),
    temperature: text(p.temperature ?? DEFAULT_FORM.temperature),
    topP: text(p.topP ?? DEFAULT_FORM.topP),
    guidanceScale: text(p.guidanceScale ?? DEFAULT_FORM.guidanceScale),
    guideWeight: text(p.guideWeight ?? DEFAULT_FORM.guideWeight),
    loop: p.loop === true,
    tempo: text(controls.tempo),
    key: text(controls.key),
    mode: text(controls.mode),
    meter: text(controls.meter),
    style: text(controls.style),
    density: text(controls.density),
    instruments: Array.isArray(controls.instruments) ? controls.instruments.map(String) : [],
  };
  if (!generation.sources.some((s) => s.role.toUpperCase() === 'IMAGE' && s.asset)) {
    notes.push(current.image ? 'Its image is no longer stored; the image now in the form is kept.' : 'Its image is no longer stored: choose one.');
  }
  const prompt = generation.sources.find((s) => s.role.toUpperCase() === 'PROMPT');
  if (prompt && !prompt.asset) notes.push('It continued an uploaded MIDI file, which is not stored: drop it in again as the prompt to get the same piece.');
  const guide = generation.sources.find((s) => s.role.toUpperCase() === 'GUIDE');
  if (guide && !guide.asset) notes.push('Its guide track is no longer stored.');
  return { form, notes };
}

/** "Continue this": the piece goes into the prompt slot; everything else stays as it is. */
export function continueFrom(asset: SourceAsset, current: MusicForm): MusicForm {
  return { ...current, prompt: { kind: 'asset', asset } };
}

/** What to do about an error from generateMusic or cancelJob, in this page's terms (beside the code's general words). */
const GENERATION_HINTS: Record<string, string> = {
  BAD_USER_INPUT: 'A setting was refused: the API’s words above say which. Change it and generate again.',
  TOO_MANY_REQUESTS: 'Your key already has as many generations running as this server allows, or the queue is full. Wait for one to finish, or cancel one, then try again.',
  SERVICE_UNAVAILABLE: 'This server cannot generate music until it has a working Imagic bundle (the API’s words above say what is wrong); the form works again as soon as it has one.',
  FORBIDDEN: 'Generating music needs an API key with the “write” scope.',
  UNAUTHENTICATED: 'Generating music needs an API key with the “write” scope.',
  PAYLOAD_TOO_LARGE: 'A file is over the server’s limit (a MIDI prompt may be 1 MB, an audio prompt 30 s long). Use a smaller file or a shorter excerpt.',
  UNSUPPORTED_MEDIA: 'The image takes PNG, JPEG, WebP or GIF; the music to continue takes MIDI or audio; the guide takes audio.',
  NOT_FOUND: 'Something chosen here (a library asset or the library to save into) was deleted meanwhile. Choose it again.',
  CONFLICT: 'That generation had already finished.',
};

export function generationHint(code: string): string | null {
  return GENERATION_HINTS[code] ?? null;
}

const REFUSABLE: readonly (keyof MusicForm)[] = [
  'image', 'prompt', 'guide', 'guideWeight', 'seconds', 'tempo', 'key', 'mode', 'meter', 'style', 'instruments', 'density',
  'temperature', 'topP', 'guidanceScale', 'seed', 'count', 'libraryId', 'title',
];

/**
 * The form field an API refusal is about, read from its message, which starts with the input's name
 * ("seconds must lie in 5–30 on this server", "imageAssetId: asset … does not exist"); null when it names none.
 */
export function refusedField(message: string): keyof MusicForm | null {
  const name = /^\s*([A-Za-z]+?)(AssetId)?\b/.exec(message)?.[1];
  if (!name) return null;
  if (name === 'library') return 'libraryId';
  return REFUSABLE.find((field) => field === name) ?? null;
}
