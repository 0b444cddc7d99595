// @muse/immute — the ImMuTe image–music–text corpus: metadata, caption → plans, composer, renderer, painter, importer.
export { loadImmuteRows, parseAspectList, IMMUTE_CSV_PATH, IMMUTE_COLUMNS, IMMUTE_ROW_COUNT, type ImmuteRow } from './metadata/immute-metadata.js';
export { normaliseAspects, canonicalAspect, TAG_RULES, type AspectNormalisation, type TagCategory } from './vocabulary.js';
export { planMusic, type MusicPlan, type PartPlan, type RecordingPlan } from './plan/music-plan.js';
export { planVisual, IMAGE_SIZE, type VisualPlan } from './plan/visual-plan.js';
export { composeScore, melodyNotes } from './compose/composer.js';
export { writeMidiFile } from './compose/midi-file.js';
export { CLIP_SECONDS, type Score, type Note } from './compose/score.js';
export { SCRIABIN_HUE, PITCH_NAMES } from './compose/theory.js';
export { SAMPLE_RATE } from './render/synth-render.js';
export { DEFAULT_SOUNDFONT, soundFontPath } from './render/soundfont.js';
export { encodeWav, decodeWav } from './render/wav.js';
export { HUM_VIEWS_PER_ITEM, type HumView } from './render/hum.js';
export { planItem, renderItem, manifestEntry, type ItemPlan, type ManifestEntry } from './item.js';
export { buildCorpus, type BuildOptions, type BuildReport } from './build/build.js';
export { itemFiles } from './build/files.js';
export { importCorpus, importCsv, importFolder, IMPORT_LIMITS, type ImportReport, type ImportedItem, type SkippedRow } from './importer.js';
export { createRng, itemSeed, splitOf, type Rng, type Split } from './rng.js';
export { ImmuteError } from './errors.js';
