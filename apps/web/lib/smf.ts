// A small reader of Standard MIDI Files (formats 0, 1 and 2) for the browser: the notes with their times in
// seconds (through the tempo map), the meters and loop markers — what the Generate page's piano roll draws.
// It reads what Imagic writes and what people drop in as a prompt; it is not an editor's full model of a file.

export interface MidiNote {
  /** 0–15; channel 9 (MIDI's channel 10) plays drums */
  channel: number;
  pitch: number;
  velocity: number;
  /** the GM program the channel had when the note started (0 when none was set) */
  program: number;
  drum: boolean;
  startTick: number;
  endTick: number;
  start: number;
  end: number;
}

export interface MidiTempo {
  tick: number;
  /** microseconds per quarter note */
  microsPerQuarter: number;
  /** the time of `tick` in seconds */
  seconds: number;
}

export interface MidiMeter {
  tick: number;
  numerator: number;
  denominator: number;
  seconds: number;
}

export interface MidiMarker {
  tick: number;
  seconds: number;
  text: string;
}

export interface MidiFile {
  format: number;
  trackCount: number;
  /** ticks per quarter note; null for SMPTE time division, where ticks are fixed fractions of a second */
  ticksPerQuarter: number | null;
  /** sorted by start, then pitch */
  notes: MidiNote[];
  /** the tempo map, first entry at tick 0 (120 BPM when the file sets none there) */
  tempos: MidiTempo[];
  /** time signatures, first entry at tick 0 (4/4 when the file sets none there) */
  meters: MidiMeter[];
  /** marker and cue point texts (Imagic writes loopStart / loopEnd) */
  markers: MidiMarker[];
  /** the last event's tick (end of track included) */
  endTick: number;
  durationSeconds: number;
}

export class MidiParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MidiParseError';
  }
}

const DEFAULT_MICROS_PER_QUARTER = 500_000;
const DRUM_CHANNEL = 9;
const META = 0xff;
const SYSEX = 0xf0;
const SYSEX_ESCAPE = 0xf7;
const META_END_OF_TRACK = 0x2f;
const META_TEMPO = 0x51;
const META_TIME_SIGNATURE = 0x58;
const META_MARKER = 0x06;
const META_CUE_POINT = 0x07;

/** One event as read from a track, before the tracks are merged in time. */
type RawEvent =
  | { tick: number; kind: 'on' | 'off'; channel: number; pitch: number; velocity: number }
  | { tick: number; kind: 'program'; channel: number; program: number }
  | { tick: number; kind: 'tempo'; microsPerQuarter: number }
  | { tick: number; kind: 'meter'; numerator: number; denominator: number }
  | { tick: number; kind: 'marker'; text: string }
  | { tick: number; kind: 'end' };

class ByteReader {
  offset: number;

  constructor(private readonly bytes: Uint8Array, offset: number, readonly end: number) {
    this.offset = offset;
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  byte(): number {
    if (this.offset >= this.end) throw new MidiParseError(`the data ends early at byte ${this.offset}`);
    return this.bytes[this.offset++];
  }

  /** A variable-length quantity: 7 bits a byte, high bit set on all but the last, at most 4 bytes. */
  varLength(): number {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.byte();
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) return value;
    }
    throw new MidiParseError(`a variable-length number longer than 4 bytes at byte ${this.offset - 4}`);
  }

  take(length: number): Uint8Array {
    if (this.offset + length > this.end) throw new MidiParseError(`a ${length}-byte field runs past the end of its chunk at byte ${this.offset}`);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function uint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

function uint16(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 8) + bytes[at + 1];
}

/** Data bytes that follow each channel status (high nibble). */
const CHANNEL_DATA_BYTES: Record<number, number> = { 0x80: 2, 0x90: 2, 0xa0: 2, 0xb0: 2, 0xc0: 1, 0xd0: 1, 0xe0: 2 };

function readTrack(reader: ByteReader, trackIndex: number): RawEvent[] {
  const events: RawEvent[] = [];
  let tick = 0;
  let running = 0;
  while (!reader.done) {
    tick += reader.varLength();
    let status = reader.byte();
    let first: number | null = null;
    if (status < 0x80) {
      // running status: this byte is the first data byte of a message like the last one
      if (!running) throw new MidiParseError(`track ${trackIndex}: a data byte without a status at byte ${reader.offset - 1}`);
      first = status;
      status = running;
    }
    if (status === META) {
      const type = reader.byte();
      const data = reader.take(reader.varLength());
      if (type === META_END_OF_TRACK) {
        events.push({ tick, kind: 'end' });
        break;
      }
      if (type === META_TEMPO && data.length >= 3) {
        const micros = (data[0] << 16) + (data[1] << 8) + data[2];
        if (micros > 0) events.push({ tick, kind: 'tempo', microsPerQuarter: micros });
      } else if (type === META_TIME_SIGNATURE && data.length >= 2 && data[0] > 0) {
        events.push({ tick, kind: 'meter', numerator: data[0], denominator: 2 ** data[1] });
      } else if (type === META_MARKER || type === META_CUE_POINT) {
        events.push({ tick, kind: 'marker', text: ascii(data) });
      }
      continue;
    }
    if (status === SYSEX || status === SYSEX_ESCAPE) {
      reader.take(reader.varLength());
      running = 0; // system messages cancel running status
      continue;
    }
    if (status > 0xf0) throw new MidiParseError(`track ${trackIndex}: system message 0x${status.toString(16)} is not allowed in a file`);
    running = status;
    const type = status & 0xf0;
    const channel = status & 0x0f;
    const a = first ?? reader.byte();
    const b = CHANNEL_DATA_BYTES[type] === 2 ? reader.byte() : 0;
    if (type === 0x90 && b > 0) events.push({ tick, kind: 'on', channel, pitch: a & 0x7f, velocity: b & 0x7f });
    else if (type === 0x80 || type === 0x90) events.push({ tick, kind: 'off', channel, pitch: a & 0x7f, velocity: 0 });
    else if (type === 0xc0) events.push({ tick, kind: 'program', channel, program: a & 0x7f });
  }
  return events;
}

/** The tempo map with each change's time in seconds; a later change at the same tick replaces an earlier one. */
function tempoMap(ticksPerQuarter: number | null, changes: { tick: number; microsPerQuarter: number }[]): MidiTempo[] {
  const map: MidiTempo[] = [{ tick: 0, microsPerQuarter: DEFAULT_MICROS_PER_QUARTER, seconds: 0 }];
  for (const change of [...changes].sort((x, y) => x.tick - y.tick)) {
    const seconds = secondsAtTick({ tempos: map, ticksPerQuarter }, change.tick);
    if (change.tick === map[map.length - 1].tick) map.pop();
    map.push({ tick: change.tick, microsPerQuarter: change.microsPerQuarter, seconds });
  }
  return map;
}

/** Reads a Standard MIDI File; throws MidiParseError when the bytes are not one. */
export function readSmf(input: Uint8Array | ArrayBuffer): MidiFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 14 || ascii(bytes.subarray(0, 4)) !== 'MThd') throw new MidiParseError('not a MIDI file (no MThd header)');
  const headerLength = uint32(bytes, 4);
  if (headerLength < 6 || 8 + headerLength > bytes.length) throw new MidiParseError(`a MIDI header of ${headerLength} bytes does not fit`);
  const format = uint16(bytes, 8);
  const declaredTracks = uint16(bytes, 10);
  const division = uint16(bytes, 12);
  let ticksPerQuarter: number | null = division;
  let secondsPerTick = 0;
  if (division & 0x8000) {
    const framesPerSecond = 256 - (division >> 8); // the high byte is minus the frame rate, two's complement
    const ticksPerFrame = division & 0xff;
    if (!framesPerSecond || !ticksPerFrame) throw new MidiParseError('an SMPTE time division of zero');
    ticksPerQuarter = null;
    secondsPerTick = 1 / (framesPerSecond * ticksPerFrame);
  } else if (division === 0) throw new MidiParseError('a time division of zero ticks per quarter note');

  const tracks: RawEvent[][] = [];
  let offset = 8 + headerLength;
  while (offset + 8 <= bytes.length && tracks.length < declaredTracks) {
    const type = ascii(bytes.subarray(offset, offset + 4));
    const length = uint32(bytes, offset + 4);
    const start = offset + 8;
    if (start + length > bytes.length) throw new MidiParseError(`the data ends early: chunk ${type} of ${length} bytes at byte ${offset} runs past the end of the file`);
    if (type === 'MTrk') tracks.push(readTrack(new ByteReader(bytes, start, start + length), tracks.length));
    offset = start + length;
  }
  if (tracks.length === 0) throw new MidiParseError('a MIDI file without tracks');

  // Merge in time; at one tick, tracks keep the file's order and a track its own order.
  const merged = tracks
    .flatMap((events, track) => events.map((event, order) => ({ event, track, order })))
    .sort((x, y) => x.event.tick - y.event.tick || x.track - y.track || x.order - y.order)
    .map((entry) => entry.event);

  const tempos = tempoMap(ticksPerQuarter, merged.flatMap((e) => (e.kind === 'tempo' ? [e] : [])));
  const clock = { seconds: (tick: number) => (ticksPerQuarter ? secondsAtTick({ tempos, ticksPerQuarter }, tick) : tick * secondsPerTick) };
  const endTick = merged.reduce((last, e) => Math.max(last, e.tick), 0);

  const programs = new Array<number>(16).fill(0);
  // a note-off closes the oldest open note of its pitch on its channel
  const open = new Map<number, { tick: number; velocity: number; program: number }[]>();
  const notes: MidiNote[] = [];
  const meters: MidiMeter[] = [];
  const markers: MidiMarker[] = [];
  const close = (channel: number, pitch: number, started: { tick: number; velocity: number; program: number }, endAt: number) => {
    notes.push({
      channel,
      pitch,
      velocity: started.velocity,
      program: started.program,
      drum: channel === DRUM_CHANNEL,
      startTick: started.tick,
      endTick: endAt,
      start: clock.seconds(started.tick),
      end: clock.seconds(endAt),
    });
  };
  for (const event of merged) {
    switch (event.kind) {
      case 'program':
        programs[event.channel] = event.program;
        break;
      case 'on': {
        const key = event.channel * 128 + event.pitch;
        const queue = open.get(key) ?? [];
        queue.push({ tick: event.tick, velocity: event.velocity, program: programs[event.channel] });
        open.set(key, queue);
        break;
      }
      case 'off': {
        const started = open.get(event.channel * 128 + event.pitch)?.shift();
        if (started) close(event.channel, event.pitch, started, event.tick);
        break;
      }
      case 'meter':
        if (meters.length && meters[meters.length - 1].tick === event.tick) meters.pop();
        meters.push({ tick: event.tick, numerator: event.numerator, denominator: event.denominator, seconds: clock.seconds(event.tick) });
        break;
      case 'marker':
        markers.push({ tick: event.tick, seconds: clock.seconds(event.tick), text: event.text });
        break;
    }
  }
  // notes never switched off end with the file
  for (const [key, queue] of open) for (const started of queue) close(Math.floor(key / 128), key % 128, started, Math.max(endTick, started.tick));
  notes.sort((x, y) => x.startTick - y.startTick || x.pitch - y.pitch || x.channel - y.channel);
  if (!meters.length || meters[0].tick > 0) meters.unshift({ tick: 0, numerator: 4, denominator: 4, seconds: 0 });

  return {
    format,
    trackCount: tracks.length,
    ticksPerQuarter,
    notes,
    tempos,
    meters,
    markers,
    endTick,
    durationSeconds: clock.seconds(endTick),
  };
}

/** The time of `tick` through a file's tempo map (0 for SMPTE files, whose ticks have no tempo). */
export function secondsAtTick(midi: Pick<MidiFile, 'tempos' | 'ticksPerQuarter'>, tick: number): number {
  const ppq = midi.ticksPerQuarter;
  if (!ppq || !midi.tempos.length) return 0;
  let lo = 0;
  let hi = midi.tempos.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (midi.tempos[mid].tick <= tick) lo = mid;
    else hi = mid - 1;
  }
  const segment = midi.tempos[lo];
  return segment.seconds + ((tick - segment.tick) * segment.microsPerQuarter) / 1e6 / ppq;
}

/** Quarter-note beats per minute of a tempo entry. */
export function bpm(tempo: Pick<MidiTempo, 'microsPerQuarter'>): number {
  return 60_000_000 / tempo.microsPerQuarter;
}
