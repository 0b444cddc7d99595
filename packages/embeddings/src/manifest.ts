import { BundleError } from './errors.js';
import type { FbankOptions } from './audio/fbank.js';

/** `models/<name>/manifest.json`, as docs/architecture.md defines it. */
export interface MuvisManifest {
  name: string;
  version: string;
  kind: string;
  embeddingDim: number;
  audio: {
    onnx: string;
    input: string;
    output: string;
    sampleRate: number;
    fbank: FbankOptions;
    normalize: { mean: number; std: number };
    maxFrames: number;
    windowSeconds: number;
    hopSeconds: number;
  };
  image: {
    onnx: string;
    input: string;
    output: string;
    size: number;
    mean: [number, number, number];
    std: [number, number, number];
  };
  architecture?: unknown;
  training?: unknown;
  metrics?: unknown;
}

type Check = 'string' | 'number' | 'positive' | 'positiveInt' | 'boolean' | 'rgb' | 'window';

const REQUIRED: [string, Check][] = [
  ['name', 'string'], ['version', 'string'], ['kind', 'string'], ['embeddingDim', 'positiveInt'],
  ['audio.onnx', 'string'], ['audio.input', 'string'], ['audio.output', 'string'], ['audio.sampleRate', 'positiveInt'],
  ['audio.fbank.numMelBins', 'positiveInt'], ['audio.fbank.frameLengthMs', 'positive'], ['audio.fbank.frameShiftMs', 'positive'],
  ['audio.fbank.preemphasis', 'number'], ['audio.fbank.window', 'window'], ['audio.fbank.lowFreq', 'number'],
  ['audio.fbank.highFreq', 'number'], ['audio.fbank.removeDcOffset', 'boolean'], ['audio.fbank.useEnergy', 'boolean'],
  ['audio.fbank.dither', 'number'], ['audio.fbank.roundToPowerOfTwo', 'boolean'], ['audio.fbank.melFloor', 'positive'],
  ['audio.normalize.mean', 'number'], ['audio.normalize.std', 'positive'], ['audio.maxFrames', 'positiveInt'],
  ['audio.windowSeconds', 'positive'], ['audio.hopSeconds', 'positive'],
  ['image.onnx', 'string'], ['image.input', 'string'], ['image.output', 'string'], ['image.size', 'positiveInt'],
  ['image.mean', 'rgb'], ['image.std', 'rgb'],
];

const DESCRIBE: Record<Check, string> = {
  string: 'a non-empty string', number: 'a number', positive: 'a positive number', positiveInt: 'a positive integer',
  boolean: 'true or false', rgb: 'an array of 3 numbers', window: "one of 'hanning', 'hamming', 'povey', 'rectangular'",
};

function passes(value: unknown, check: Check): boolean {
  switch (check) {
    case 'string': return typeof value === 'string' && value.length > 0;
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'positive': return typeof value === 'number' && Number.isFinite(value) && value > 0;
    case 'positiveInt': return Number.isInteger(value) && (value as number) > 0;
    case 'boolean': return typeof value === 'boolean';
    case 'rgb': return Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && Number.isFinite(v));
    case 'window': return value === 'hanning' || value === 'hamming' || value === 'povey' || value === 'rectangular';
  }
}

/** Checks every field the runtime reads; lists all problems at once so a bundle author can fix them in one go. */
export function validateManifest(json: unknown, source = 'manifest.json'): MuvisManifest {
  if (typeof json !== 'object' || json === null) throw new BundleError(`${source}: not a JSON object`);
  const problems: string[] = [];
  for (const [path, check] of REQUIRED) {
    const value = path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), json);
    if (value === undefined) problems.push(`missing ${path} (${DESCRIBE[check]})`);
    else if (!passes(value, check)) problems.push(`${path} must be ${DESCRIBE[check]}, got ${JSON.stringify(value)}`);
  }
  const manifest = json as MuvisManifest;
  if (problems.length === 0) {
    if (manifest.kind !== 'muvis') problems.push(`kind must be 'muvis', got '${manifest.kind}'`);
    if (manifest.audio.fbank.dither !== 0) problems.push('audio.fbank.dither must be 0 (deterministic features)');
    if (manifest.audio.fbank.useEnergy) problems.push('audio.fbank.useEnergy is not supported');
    if (manifest.audio.fbank.roundToPowerOfTwo !== true) problems.push('audio.fbank.roundToPowerOfTwo must be true');
    if (manifest.audio.hopSeconds > manifest.audio.windowSeconds) problems.push('audio.hopSeconds must not exceed audio.windowSeconds');
    if (manifest.image.std.some((s) => s === 0)) problems.push('image.std must not contain 0');
  }
  if (problems.length > 0) throw new BundleError(`${source} is invalid: ${problems.join('; ')}`);
  return manifest;
}
