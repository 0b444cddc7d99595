/**
 * Collects the keys asked for in one tick of a request and loads them with one call, so a field
 * resolved on every item of a list (Asset.generation on 100 generations) costs one query, not one per
 * item. A key asked for twice in one tick is loaded once; nothing is kept past its batch, so a field
 * read after a mutation in the same request (two mutations, each returning assetCount) sees the
 * mutation. A failed batch rejects every caller of that batch.
 */
export class BatchLoader<K, V> {
  private pending: { keys: Map<K, Promise<V>>; done: Promise<Map<K, V>> } | null = null;

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly missing: V,
  ) {}

  load(key: K): Promise<V> {
    if (!this.pending) {
      const keys = new Map<K, Promise<V>>();
      // the batch goes out once the resolvers of this tick have all asked
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.pending = null;
        return this.loadMany([...keys.keys()]);
      });
      this.pending = { keys, done };
    }
    const { keys, done } = this.pending;
    let value = keys.get(key);
    if (!value) {
      value = done.then((found) => (found.has(key) ? found.get(key)! : this.missing));
      keys.set(key, value);
    }
    return value;
  }
}
