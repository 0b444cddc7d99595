import type { MuvisBundle } from '@muse/embeddings';
import type { EncoderPin } from '@muse/generation';
import { engineModule } from './engine-loader.js';

/**
 * The MuVis bundles the generators pin, each opened once per process however many generators pin it
 * (Imagic and MusIm both pin `muvis-small`): a pin is checked file by file against `models/<name>` when it
 * is first asked for. A failed open is not kept, so a bundle installed later is found by the next request.
 */
export class PinnedEncoders {
  private readonly opened = new Map<string, Promise<MuvisBundle>>();
  private closed = false;

  constructor(
    private readonly modelsDir: string,
    private readonly threads: number,
  ) {}

  async get(pin: EncoderPin): Promise<MuvisBundle> {
    if (this.closed) throw new Error('the pinned encoders are closed');
    const g = await engineModule();
    const dir = g.pinnedEncoderDir(pin, this.modelsDir);
    const key = `${dir}\n${Object.entries(pin.files).sort().map(([file, sha]) => `${file}:${sha}`).join(',')}`;
    let encoder = this.opened.get(key);
    if (!encoder) {
      encoder = g.loadPinnedEncoder(pin, dir, { intraOpThreads: this.threads });
      this.opened.set(key, encoder);
      encoder.catch(() => this.opened.delete(key));
    }
    return encoder;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(all.map(async (e) => (await e.catch(() => null))?.close()));
  }
}
