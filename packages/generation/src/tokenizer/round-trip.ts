// Checks MIDI → tokens → MIDI note by note against the grid: every original note must come back with the same
// pitch, program (or drums) and velocity bin, its onset within half a step, its length within half a step (or one
// step when it was shorter than that). Notes that share a step, instrument and pitch come back as one: the longest.
import type { Song, SongNote } from '../midi/song.js';
import { STEPS_PER_BEAT, toSteps, velocityBin } from './grid.js';

export interface RoundTripReport {
  notes: number;
  /** original notes folded into another with the same step, instrument and pitch */
  merged: number;
  /** original notes that came back as the grid says */
  kept: number;
  maxOnsetErrorSteps: number;
  maxDurationErrorSteps: number;
  problems: string[];
}

const HALF_STEP = 0.5 + 1e-9;

export function checkRoundTrip(original: Song, decoded: Song): RoundTripReport {
  const report: RoundTripReport = { notes: original.notes.length, merged: 0, kept: 0, maxOnsetErrorSteps: 0, maxDurationErrorSteps: 0, problems: [] };
  const steps = (ticks: number, song: Song): number => (ticks * STEPS_PER_BEAT) / song.ppq;
  // a piece has one drum kit: drum notes are compared as drums, whatever kit they asked for
  const keyOf = (n: SongNote, song: Song): string => `${toSteps(n.tick, song.ppq)}:${n.drums ? 'drums' : n.program}:${n.pitch}`;

  const groups = new Map<string, SongNote[]>();
  for (const n of original.notes) {
    const key = keyOf(n, original);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(n);
  }
  const back = new Map<string, SongNote[]>();
  for (const n of decoded.notes) {
    const key = keyOf(n, decoded);
    if (!back.has(key)) back.set(key, []);
    back.get(key)!.push(n);
  }
  for (const key of back.keys()) if (!groups.has(key)) report.problems.push(`extra note ${key}`);

  for (const [key, group] of groups) {
    report.merged += group.length - 1;
    const longest = group.reduce((a, b) => (b.dur > a.dur ? b : a));
    const found = back.get(key);
    if (!found || found.length !== 1) {
      report.problems.push(`${found ? found.length : 'no'} notes back for ${key}`);
      continue;
    }
    const d = found[0];
    const onsetError = Math.abs(steps(d.tick, decoded) - steps(longest.tick, original));
    const wanted = steps(longest.dur, original);
    const durationError = Math.abs(steps(d.dur, decoded) - wanted);
    report.maxOnsetErrorSteps = Math.max(report.maxOnsetErrorSteps, onsetError);
    report.maxDurationErrorSteps = Math.max(report.maxDurationErrorSteps, wanted < 0.5 ? 0 : durationError);
    const problems = [
      onsetError > HALF_STEP && `onset off by ${onsetError.toFixed(2)} steps`,
      (wanted < 0.5 ? steps(d.dur, decoded) !== 1 : durationError > HALF_STEP) && `length off by ${durationError.toFixed(2)} steps`,
      velocityBin(d.velocity) !== velocityBin(longest.velocity) && `velocity ${longest.velocity} → ${d.velocity}`,
    ].filter((p): p is string => typeof p === 'string');
    if (problems.length) report.problems.push(`${key}: ${problems.join(', ')}`);
    else report.kept += group.length;
  }
  return report;
}
