// A built ImMuTe corpus → the training token files Python reads:
//   tokens.jsonl  one line per item: {"index","ytid","split","bars","seconds","tokens":[ids]}
//   vocab.json    the vocabulary the ids refer to (version, hash, names, kind ranges, grid)
//   stats.json    what this file's report says: lengths, token kinds, round-trip and attribute checks
// Every item is also decoded back and checked note by note against the grid (checkRoundTrip).
import { readFileSync, renameSync, writeFileSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { readCorpusManifest, type ManifestEntry } from '@muse/immute';
import { readMidi } from '../midi/read-midi.js';
import { writeMidiFile } from '../midi/write-midi.js';
import { pieceTokens, tokensPiece } from '../tokenizer/piece-tokens.js';
import { pieceToSong } from '../tokenizer/piece-to-song.js';
import { checkRoundTrip } from '../tokenizer/round-trip.js';
import { songToPiece } from '../tokenizer/song-to-piece.js';
import { pieceSeconds } from '../tokenizer/timing.js';
import type { Piece } from '../tokenizer/piece.js';
import { KINDS, kindOf, vocabularyDocument, VOCAB_HASH, VOCAB_SIZE, VOCAB_VERSION, type Kind } from '../tokenizer/vocabulary.js';
import { histogram, lengthStats, type LengthStats } from './length-stats.js';

export const TOKEN_FILES = { tokens: 'tokens.jsonl', vocab: 'vocab.json', stats: 'stats.json' } as const;

export interface TokenExportOptions {
  corpusDir: string;
  outDir: string;
  /** only the first N items */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface TokenExportReport {
  vocab: { version: string; hash: string; size: number };
  items: number;
  failed: { index: number; error: string }[];
  splits: Record<string, number>;
  tokens: number;
  length: LengthStats;
  lengthHistogram: { below: number; items: number }[];
  tokensPerSecond: LengthStats;
  seconds: LengthStats;
  /** share of all tokens by kind */
  kinds: Partial<Record<Kind, number>>;
  roundTrip: { notes: number; kept: number; merged: number; itemsWithProblems: number; maxOnsetErrorSteps: number; maxDurationErrorSteps: number; examples: string[] };
  /** items whose tempo, key, mode or meter read from the MIDI differ from the manifest's music plan */
  attributeMismatches: { items: number; examples: string[] };
  files: typeof TOKEN_FILES;
}

export function exportCorpusTokens(opts: TokenExportOptions): TokenExportReport {
  const entries = readCorpusManifest(opts.corpusDir).slice(0, opts.limit ?? Infinity);
  mkdirSync(opts.outDir, { recursive: true });
  const report = emptyReport();
  const lengths: number[] = [];
  const rates: number[] = [];
  const durations: number[] = [];
  const kindCounts = new Map<Kind, number>();
  const tokensPath = join(opts.outDir, TOKEN_FILES.tokens);
  const partial = `${tokensPath}.partial`;
  const fd = openSync(partial, 'w');
  try {
    entries.forEach((entry, i) => {
      try {
        const bytes = readFileSync(join(opts.corpusDir, entry.files.midi));
        const song = readMidi(bytes);
        const piece = songToPiece(song, { style: entry.music.style });
        const tokens = pieceTokens(piece);
        const seconds = pieceSeconds(piece);
        writeSync(fd, `${JSON.stringify({ index: entry.index, ytid: entry.ytid, split: entry.split, bars: piece.bars.length, seconds: round(seconds, 3), tokens })}\n`);
        report.items++;
        report.splits[entry.split] = (report.splits[entry.split] ?? 0) + 1;
        lengths.push(tokens.length);
        durations.push(round(seconds, 2));
        rates.push(round(tokens.length / seconds, 1));
        for (const id of tokens) kindCounts.set(kindOf(id), (kindCounts.get(kindOf(id)) ?? 0) + 1);
        checkItem(entry, piece, song, tokens, report);
      } catch (err) {
        report.failed.push({ index: entry.index, error: err instanceof Error ? err.message : String(err) });
      }
      opts.onProgress?.(i + 1, entries.length);
    });
  } finally {
    closeSync(fd);
  }
  renameSync(partial, tokensPath);
  report.tokens = lengths.reduce((s, v) => s + v, 0);
  report.length = lengthStats(lengths);
  report.lengthHistogram = histogram(lengths, 256);
  report.seconds = lengthStats(durations);
  report.tokensPerSecond = lengthStats(rates);
  report.kinds = Object.fromEntries(KINDS.filter((k) => kindCounts.has(k)).map((k) => [k, round(kindCounts.get(k)! / Math.max(1, report.tokens), 4)]));
  writeFileSync(join(opts.outDir, TOKEN_FILES.vocab), `${JSON.stringify(vocabularyDocument())}\n`);
  writeFileSync(join(opts.outDir, TOKEN_FILES.stats), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** decode the tokens back, compare note by note, and compare the attributes with the manifest's plan */
function checkItem(entry: ManifestEntry, piece: Piece, song: ReturnType<typeof readMidi>, tokens: number[], report: TokenExportReport): void {
  const decoded = readMidi(writeMidiFile(pieceToSong(tokensPiece(tokens))));
  const r = checkRoundTrip(song, decoded);
  const rt = report.roundTrip;
  rt.notes += r.notes;
  rt.kept += r.kept;
  rt.merged += r.merged;
  rt.maxOnsetErrorSteps = Math.max(rt.maxOnsetErrorSteps, r.maxOnsetErrorSteps);
  rt.maxDurationErrorSteps = Math.max(rt.maxDurationErrorSteps, r.maxDurationErrorSteps);
  if (r.problems.length) {
    rt.itemsWithProblems++;
    if (rt.examples.length < 10) rt.examples.push(`item ${entry.index}: ${r.problems.slice(0, 3).join('; ')}`);
  }
  const a = piece.attributes;
  const m = entry.music;
  const differ = [
    a.bpm !== m.bpm && `tempo ${a.bpm} ≠ ${m.bpm}`,
    a.tonic !== m.tonic && `tonic ${a.tonic} ≠ ${m.tonic}`,
    a.mode !== m.mode && `mode ${a.mode} ≠ ${m.mode}`,
    (a.meter[0] !== m.meter[0] || a.meter[1] !== m.meter[1]) && `meter ${a.meter.join('/')} ≠ ${m.meter.join('/')}`,
  ].filter((d): d is string => typeof d === 'string');
  if (differ.length) {
    report.attributeMismatches.items++;
    if (report.attributeMismatches.examples.length < 10) report.attributeMismatches.examples.push(`item ${entry.index}: ${differ.join(', ')}`);
  }
}

function emptyReport(): TokenExportReport {
  const zero = lengthStats([]);
  return {
    vocab: { version: VOCAB_VERSION, hash: VOCAB_HASH, size: VOCAB_SIZE },
    items: 0, failed: [], splits: {}, tokens: 0, length: zero, lengthHistogram: [], tokensPerSecond: zero, seconds: zero, kinds: {},
    roundTrip: { notes: 0, kept: 0, merged: 0, itemsWithProblems: 0, maxOnsetErrorSteps: 0, maxDurationErrorSteps: 0, examples: [] },
    attributeMismatches: { items: 0, examples: [] },
    files: TOKEN_FILES,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
