// Picking the next token from logits: only where `allowed` is 1 (the grammar and the request's constraints), with
// temperature and nucleus (top-p) sampling, drawing from a seeded uniform source so a seed gives one sequence.
// Arithmetic is in float64 and ties order by token id, so the choice depends on the logits and the draw alone.

export interface SamplingOptions {
  /** divides the logits; 0 picks the most likely allowed token */
  temperature: number;
  /** keep the smallest set of most likely tokens whose probability reaches topP (0 < topP ≤ 1) */
  topP: number;
}

export interface Distribution {
  /** token ids, most likely first */
  ids: number[];
  /** their probabilities, summing to 1 */
  probs: number[];
}

/** The distribution sampleToken draws from. Throws when nothing is allowed (a constraint bug, never the model's). */
export function tokenDistribution(logits: Float32Array, allowed: Uint8Array, options: SamplingOptions): Distribution {
  const ids: number[] = [];
  for (let id = 0; id < allowed.length; id++) if (allowed[id]) ids.push(id);
  if (ids.length === 0) throw new Error('no token is allowed here');
  const order = (a: number, b: number): number => logits[b] - logits[a] || a - b;
  ids.sort(order);
  if (options.temperature <= 0 || ids.length === 1) return { ids: [ids[0]], probs: [1] };
  const top = logits[ids[0]];
  const weights = ids.map((id) => Math.exp((logits[id] - top) / options.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let kept = 0;
  let mass = 0;
  while (kept < ids.length && (kept === 0 || mass < options.topP * total)) mass += weights[kept++];
  return { ids: ids.slice(0, kept), probs: weights.slice(0, kept).map((w) => w / mass) };
}

/** One token: `uniform` is a draw in [0, 1), taken only when more than one token remains after top-p. */
export function sampleToken(logits: Float32Array, allowed: Uint8Array, options: SamplingOptions, uniform: () => number): number {
  const { ids, probs } = tokenDistribution(logits, allowed, options);
  if (ids.length === 1) return ids[0];
  const u = uniform();
  let cumulative = 0;
  for (let i = 0; i < ids.length; i++) {
    cumulative += probs[i];
    if (u < cumulative) return ids[i];
  }
  return ids[ids.length - 1];
}
