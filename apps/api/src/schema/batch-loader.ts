/**
 * Collects the keys asked for in one tick of a request and loads them with one call, so a field
 * resolved on every item of a list (Asset.generation on 100 generations) costs one query, not one per
 * item. Each key is loaded once per loader; make a new loader per request (nothing is cached across
 * requests). A failed batch rejects every caller of that batch.
 */
export class BatchLoader<K, V> {
  private pending: { keys: K[]; done: Promise<Map<K, V>> } | null = null;
  private readonly loaded = new Map<K, Promise<V>>();

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly missing: V,
  ) {}

  load(key: K): Promise<V> {
    const known = this.loaded.get(key);
    if (known) return known;
    if (!this.pending) {
      const keys: K[] = [];
      // the batch goes out once the resolvers of this tick have all asked
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.pending = null;
        return this.loadMany(keys);
      });
      this.pending = { keys, done };
    }
    this.pending.keys.push(key);
    const value = this.pending.done.then((found) => (found.has(key) ? found.get(key)! : this.missing));
    this.loaded.set(key, value);
    return value;
  }
}
