// The Generate page's music → image form (MusIm): its state, its defaults and bounds, the generateImage request
// it makes (variables and the files that travel beside them), and what an API refusal is about.
import type { GenerateImageInput } from './generated/graphql';
import type { Upload } from './graphql';
import type { SourceAsset, SourceSlot } from './musicRequest';

/** Every control as the form holds it: text as typed, so a field can be left empty (the engine's default). */
export interface ImageForm {
  audio: SourceSlot | null;
  guide: SourceSlot | null;
  strength: string;
  steps: string;
  sampler: string;
  guidanceScale: string;
  seed: string;
  count: string;
  upscale: boolean;
  libraryId: string;
  title: string;
}

/** The engine's defaults (packages/generation MusIm) as generateImage documents them. */
export const DEFAULT_IMAGE_FORM: ImageForm = {
  audio: null,
  guide: null,
  strength: '0.6',
  steps: '20',
  sampler: '',
  guidanceScale: '3',
  seed: '',
  count: '1',
  upscale: false,
  libraryId: '',
  title: '',
};

export const IMAGE_BOUNDS = {
  strength: { min: 0, max: 1 },
  steps: { min: 1, max: 50 },
  guidanceScale: { min: 0, max: 20 },
  seed: { min: 0, max: 2_147_483_647 },
  count: { min: 1, max: 4 },
  title: 200,
} as const;

/** [value, words]; the first is the engine's default. */
export const SAMPLERS = [
  ['dpmpp-2m', 'DPM-Solver++ (2M)'],
  ['ddim', 'DDIM'],
] as const;

export type ImageInput = GenerateImageInput;

export interface ImageProblem {
  field: keyof ImageForm;
  message: string;
}

export type ImageRequest =
  | { ok: true; variables: { input: ImageInput }; uploads: Upload[] }
  | { ok: false; problems: ImageProblem[] };

type NumberField = 'strength' | 'steps' | 'guidanceScale' | 'seed' | 'count';

const FIELD_WORDS: Record<NumberField, string> = {
  strength: 'Strength', steps: 'Steps', guidanceScale: 'Guidance scale', seed: 'Seed', count: 'Pictures',
};
const WHOLE: ReadonlySet<NumberField> = new Set(['steps', 'seed', 'count']);

function readNumber(form: ImageForm, field: NumberField, problems: ImageProblem[]): number | undefined {
  const raw = form[field].trim();
  if (raw === '') return undefined;
  const value = Number(raw);
  const { min, max } = IMAGE_BOUNDS[field];
  const words = FIELD_WORDS[field];
  if (!Number.isFinite(value)) problems.push({ field, message: `${words} must be a number.` });
  else if (WHOLE.has(field) && !Number.isInteger(value)) problems.push({ field, message: `${words} must be a whole number.` });
  else if (value < min || value > max) problems.push({ field, message: `${words} must be from ${min} to ${max}.` });
  else return value;
  return undefined;
}

function addSource(role: 'audio' | 'guide', slot: SourceSlot | null, input: ImageInput, uploads: Upload[]) {
  if (!slot) return;
  if (slot.kind === 'asset') input[`${role}AssetId`] = slot.asset.id;
  else {
    input[role] = null;
    uploads.push({ path: `variables.input.${role}`, file: slot.file, name: slot.name });
  }
}

/** The generateImage variables and uploads for the form, or what to fix first. Empty fields are left to the engine. */
export function buildImageRequest(form: ImageForm): ImageRequest {
  const problems: ImageProblem[] = [];
  const input: ImageInput = {};
  const uploads: Upload[] = [];
  if (!form.audio) problems.push({ field: 'audio', message: 'Choose the music: drop a clip in, record one, or pick a track from the library.' });
  if (form.audio?.kind === 'asset' && form.audio.asset.kind !== 'AUDIO') problems.push({ field: 'audio', message: 'The music slot takes a track.' });
  if (form.guide?.kind === 'asset' && form.guide.asset.kind !== 'IMAGE') problems.push({ field: 'guide', message: 'The guide slot takes an image.' });
  addSource('audio', form.audio, input, uploads);
  addSource('guide', form.guide, input, uploads);

  for (const field of Object.keys(FIELD_WORDS) as NumberField[]) {
    // the API refuses a strength without a guide
    if (field === 'strength' && !form.guide) continue;
    const value = readNumber(form, field, problems);
    if (value !== undefined) input[field] = value;
  }
  if (form.sampler) input.sampler = form.sampler;
  if (form.upscale) input.upscale = true;
  if (form.libraryId) input.libraryId = form.libraryId;
  const title = form.title.trim();
  if (title.length > IMAGE_BOUNDS.title) problems.push({ field: 'title', message: `A title has at most ${IMAGE_BOUNDS.title} characters.` });
  else if (title) input.title = title;

  return problems.length ? { ok: false, problems } : { ok: true, variables: { input }, uploads };
}

/** "Use as guide": the picture goes into the guide slot; everything else stays as it is. */
export function guideFrom(asset: SourceAsset, current: ImageForm): ImageForm {
  return { ...current, guide: { kind: 'asset', asset } };
}

/** What to do about an error from generateImage or cancelJob, in this form's terms. */
const IMAGE_HINTS: Record<string, string> = {
  BAD_USER_INPUT: 'A setting was refused: the API’s words above say which. Change it and generate again.',
  TOO_MANY_REQUESTS: 'Your key already has as many generations running as this server allows, or the queue is full. Wait for one to finish, or cancel one, then try again.',
  SERVICE_UNAVAILABLE: 'This server cannot paint pictures until it has a working MusIm bundle (the API’s words above say what is wrong); the form works again as soon as it has one.',
  FORBIDDEN: 'Generating pictures needs an API key with the “write” scope.',
  UNAUTHENTICATED: 'Generating pictures needs an API key with the “write” scope.',
  PAYLOAD_TOO_LARGE: 'A file is over the server’s limit. Use a shorter clip or a smaller guide image.',
  UNSUPPORTED_MEDIA: 'The music takes audio (WAV, MP3, OGG, Opus, FLAC); the guide takes PNG, JPEG, WebP or GIF.',
  NOT_FOUND: 'Something chosen here (a library asset or the library to save into) was deleted meanwhile. Choose it again.',
  CONFLICT: 'That generation had already finished.',
};

export function imageGenerationHint(code: string): string | null {
  return IMAGE_HINTS[code] ?? null;
}

const REFUSABLE: readonly (keyof ImageForm)[] = [
  'audio', 'guide', 'strength', 'steps', 'sampler', 'guidanceScale', 'seed', 'count', 'upscale', 'libraryId', 'title',
];

/**
 * The form field an API refusal is about, read from its message, which starts with the input's name
 * ("steps must be an integer 1–50", "guideAssetId: asset … does not exist", "guide strength must lie in 0–1");
 * null when it names none.
 */
export function refusedImageField(message: string): keyof ImageForm | null {
  if (/^\s*guide strength\b/i.test(message)) return 'strength';
  const name = /^\s*([A-Za-z]+?)(AssetId)?\b/.exec(message)?.[1];
  if (!name) return null;
  if (name === 'library') return 'libraryId';
  return REFUSABLE.find((field) => field === name) ?? null;
}
