import { existsSync, readFileSync } from 'node:fs';
import { SoundBankLoader, SpessaSynthProcessor } from 'spessasynth_core';
import { ImmuteError } from '../errors.js';

/** Debian's fluid-soundfont-gm (FluidR3_GM, MIT licence); MUSE_SOUNDFONT overrides. */
export const DEFAULT_SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';

type SoundBank = ReturnType<typeof SoundBankLoader.fromArrayBuffer>;
let loaded: { path: string; bank: SoundBank } | undefined;

export function soundFontPath(): string {
  return process.env.MUSE_SOUNDFONT || DEFAULT_SOUNDFONT;
}

/** Parsed once per process: the 141 MB file takes about half a second to load. */
export function loadSoundBank(path = soundFontPath()): SoundBank {
  if (loaded?.path === path) return loaded.bank;
  if (!existsSync(path)) {
    throw new ImmuteError('SOUNDFONT_MISSING', `SoundFont not found at ${path}: install it with "apt-get install -y fluid-soundfont-gm" or set MUSE_SOUNDFONT to a .sf2 file`);
  }
  const buf = readFileSync(path);
  const bank = SoundBankLoader.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  loaded = { path, bank };
  return bank;
}

export async function createSynth(sampleRate: number): Promise<SpessaSynthProcessor> {
  const synth = new SpessaSynthProcessor(sampleRate, { effectsEnabled: false, eventsEnabled: false, maxBufferSize: 128 });
  synth.soundBankManager.addSoundBank(loadSoundBank(), 'main');
  await synth.processorInitialized;
  return synth;
}
