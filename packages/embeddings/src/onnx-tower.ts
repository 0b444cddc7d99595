import * as ort from 'onnxruntime-node';
import { BundleError } from './errors.js';
import { openOnnxSession } from './onnx-session.js';

export interface OnnxTowerOptions {
  /** Graph input name, e.g. 'fbank' or 'pixel_values'. */
  input: string;
  /** Graph output name, e.g. 'embedding'. */
  output: string;
  /** Shape of one item, without the batch axis, e.g. [512, 128] or [3, 128, 128]. */
  itemShape: number[];
  /** Expected output width (the embedding dimension). */
  outputDim: number;
  /** onnxruntime intra-op threads; default 1 per tower leaves cores to the event loop. */
  intraOpThreads?: number;
  /** Items per session.run; larger batches are split. */
  maxBatch?: number;
}

const DEFAULT_MAX_BATCH = 32;

/** One ONNX model on the CPU execution provider, run on batches of same-shaped items. */
export class OnnxTower {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly options: Required<OnnxTowerOptions>,
    readonly path: string,
  ) {}

  static async create(path: string, options: OnnxTowerOptions): Promise<OnnxTower> {
    let session: ort.InferenceSession;
    try {
      session = await openOnnxSession(path, options.intraOpThreads ?? 1);
    } catch (error) {
      throw new BundleError(`Cannot load ONNX model ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (!session.inputNames.includes(options.input)) {
      throw new BundleError(`${path}: no input named '${options.input}' (has ${session.inputNames.join(', ')})`);
    }
    if (!session.outputNames.includes(options.output)) {
      throw new BundleError(`${path}: no output named '${options.output}' (has ${session.outputNames.join(', ')})`);
    }
    const settings = { ...options, intraOpThreads: options.intraOpThreads ?? 1, maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH };
    if (!Number.isInteger(settings.maxBatch) || settings.maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${settings.maxBatch}`);
    return new OnnxTower(session, settings, path);
  }

  get itemSize(): number {
    return this.options.itemShape.reduce((a, b) => a * b, 1);
  }

  /** Runs every item (each a flat Float32Array of itemShape) and returns one output vector per item. */
  async run(batch: readonly Float32Array[]): Promise<Float32Array[]> {
    const { maxBatch, itemShape, input, output, outputDim } = this.options;
    const itemSize = this.itemSize;
    const results: Float32Array[] = [];
    for (let start = 0; start < batch.length; start += maxBatch) {
      const items = batch.slice(start, start + maxBatch);
      const data = new Float32Array(items.length * itemSize);
      items.forEach((item, i) => {
        if (item.length !== itemSize) throw new RangeError(`Tower input item has ${item.length} values, expected ${itemSize}`);
        data.set(item, i * itemSize);
      });
      const feeds = { [input]: new ort.Tensor('float32', data, [items.length, ...itemShape]) };
      const outputs = await this.session.run(feeds);
      const tensor = outputs[output];
      const values = tensor.data as Float32Array;
      if (values.length !== items.length * outputDim) {
        throw new BundleError(`${this.path}: output '${output}' has shape [${tensor.dims.join(', ')}], expected [${items.length}, ${outputDim}]`);
      }
      for (let i = 0; i < items.length; i++) results.push(values.slice(i * outputDim, (i + 1) * outputDim));
      for (const t of Object.values(outputs)) t.dispose?.();
    }
    return results;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
