import { TAG_RULES } from '../src/vocabulary.ts';
import { GROOVES } from '../src/compose/drum-patterns.ts';
import { INSTRUMENTS } from '../src/plan/instruments.ts';
import { STYLES } from '../src/plan/styles.ts';
console.log(TAG_RULES.length, new Set(TAG_RULES.map(r => r.tag)).size, Object.keys(GROOVES).length, Object.keys(INSTRUMENTS).length, Object.keys(STYLES).length);
