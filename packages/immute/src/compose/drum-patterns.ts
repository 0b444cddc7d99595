// Drum grooves as step strings: X accent, x hit, o ghost, . rest. One string per GM drum note.
import type { DrumPattern } from '../plan/styles.js';

export const GM_DRUM = {
  kick: 36, rim: 37, snare: 38, clap: 39, snare2: 40, floorTom: 41, closedHat: 42, lowTom: 45, pedalHat: 44,
  openHat: 46, midTom: 47, hiMidTom: 48, crash: 49, hiTom: 50, ride: 51, tambourine: 54, cowbell: 56,
  hiBongo: 60, loBongo: 61, muteConga: 62, openConga: 63, lowConga: 64, timbale: 65, cabasa: 69, shaker: 70, claves: 75,
} as const;

export interface Groove {
  /** steps per bar and how many steps make a beat */
  steps: number;
  stepsPerBeat: number;
  lanes: Partial<Record<keyof typeof GM_DRUM, string>>;
}

export const GROOVES: Record<DrumPattern, Groove> = {
  rock: { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X.....x.X.x.....', snare: '....X.......X...', closedHat: 'x.x.x.x.x.x.x.x.' } },
  metal: { steps: 16, stepsPerBeat: 4, lanes: { kick: 'XxxxXxxxXxxxXxxx', snare: '....X.......X...', crash: 'x.......x.......', ride: 'x.x.x.x.x.x.x.x.' } },
  pop: { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X......xX.......', snare: '....X.......X...', closedHat: 'x.xxx.x.x.xxx.x.', tambourine: '....x.......x...' } },
  'four-on-floor': { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X...X...X...X...', clap: '....X.......X...', openHat: '..x...x...x...x.', closedHat: 'xx.xxx.xxx.xxx.x' } },
  'boom-bap': { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X.....x...x.....', snare: '....X.......X...', closedHat: 'x.x.x.x.x.x.x.xo' } },
  trap: { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X......x..X.....', clap: '........X.......', closedHat: 'xxxxxxxxxxxxxxxx' } },
  swing: { steps: 12, stepsPerBeat: 3, lanes: { ride: 'x..x.xx..x.x', pedalHat: '...x.....x..', kick: 'o..o..o..o..', rim: '.........o..' } },
  shuffle: { steps: 12, stepsPerBeat: 3, lanes: { kick: 'X.....x.....', snare: '...X.....X..', closedHat: 'x.xx.xx.xx.x' } },
  'one-drop': { steps: 16, stepsPerBeat: 4, lanes: { kick: '........X.......', rim: '........X.......', closedHat: '..x...x...x...x.' } },
  latin: { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X..x....X..x....', claves: 'x..x..x...x.x...', muteConga: '..x...x...x...x.', openConga: '...x......xx....', cowbell: 'x...x...x...x...' } },
  funk: { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X..x..x...X..x..', snare: '....X..o.o..X..o', closedHat: 'xxxxxxxxxxxxxxxx' } },
  folk: { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X.......X.......', snare2: '....x.......x...', tambourine: 'x.x.x.x.x.x.x.x.' } },
  ballad: { steps: 16, stepsPerBeat: 4, lanes: { kick: 'X.......x.x.....', rim: '....x.......x...', closedHat: 'x...x...x...x...' } },
  march: { steps: 8, stepsPerBeat: 4, lanes: { kick: 'X...X...', snare: 'x.ox.xox', crash: '....x...' } },
  waltz: { steps: 12, stepsPerBeat: 4, lanes: { kick: 'X...........', snare2: '....x...x...', closedHat: 'x...x...x...' } },
  world: { steps: 16, stepsPerBeat: 4, lanes: { lowConga: 'X.....x...x.....', openConga: '...x......x..x..', hiBongo: '..x...x...x...x.', shaker: 'xxxxxxxxxxxxxxxx' } },
  cinematic: { steps: 16, stepsPerBeat: 4, lanes: { floorTom: 'X.....X.X.......', lowTom: '..........x.x...', crash: 'x...............' } },
};

/** extra layer when the caption names hand percussion */
export const HAND_PERCUSSION: Groove['lanes'] = { shaker: 'x.xxx.xxx.xxx.xx', tambourine: '....x.......x...', openConga: '......x.......x.' };
