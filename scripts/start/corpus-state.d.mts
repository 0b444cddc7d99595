export type CorpusState = { complete: true } | { complete: false; from: number; limit: number; why: string };
export function corpusState(corpusDir: string, demoItems: number): CorpusState;
