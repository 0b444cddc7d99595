import pg from 'pg';

/** The channel the `index_changes` trigger notifies (prisma/migrations/*_index_changes). */
export const INDEX_CHANGES_CHANNEL = 'muse_index_changes';

export interface ChangeListener {
  close(): Promise<void>;
}

/**
 * PostgreSQL LISTEN on one dedicated connection: `onWake` runs for each notification. A dropped
 * connection is reported and re-opened at the next `reconnectMs`; the caller's poll covers the gap.
 */
export function listenForChanges(url: string, channel: string, onWake: () => void, onError: (err: Error) => void, reconnectMs: number): ChangeListener {
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  const connect = async () => {
    timer = null;
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    c.on('error', (err) => {
      onError(err);
      drop(c);
    });
    c.on('notification', () => onWake());
    try {
      await c.connect();
      await c.query(`LISTEN "${channel}"`);
      if (closed) return void c.end().catch(() => undefined);
      client = c;
      // changes made while no connection listened
      onWake();
    } catch (err) {
      onError(err as Error);
      drop(c);
    }
  };
  const drop = (c: pg.Client) => {
    if (client === c) client = null;
    c.end().catch(() => undefined);
    if (!closed && !timer) {
      timer = setTimeout(() => void connect(), reconnectMs);
      timer.unref();
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
