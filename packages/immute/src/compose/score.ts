import type { Role } from '../plan/instruments.js';

export const PPQ = 480;
export const CLIP_SECONDS = 10;

export interface Note {
  tick: number;
  dur: number;
  pitch: number;
  vel: number;
}

export interface ControlChange {
  tick: number;
  controller: number;
  value: number;
}

export interface Track {
  name: string;
  role: Role;
  channel: number;
  program: number;
  volume: number;
  notes: Note[];
  controls: ControlChange[];
}

export interface Score {
  bpm: number;
  meter: [number, number];
  tonic: number;
  mode: 'major' | 'minor';
  tracks: Track[];
}

export function ticksToSeconds(tick: number, bpm: number): number {
  return (tick / PPQ) * (60 / bpm);
}

export function secondsToTicks(seconds: number, bpm: number): number {
  return Math.round((seconds * bpm * PPQ) / 60);
}

export function barTicks(meter: [number, number]): number {
  return (meter[0] * PPQ * 4) / meter[1];
}
