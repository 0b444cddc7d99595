import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/config.js';

export type ExecutionProvider = 'cpu' | 'cuda';

/**
 * Checks that onnxruntime-node can run the models on `provider` (MUSE_EXECUTION_PROVIDER) before
 * anything loads. CUDA needs the provider library that onnxruntime-node's install script fetches,
 * which `.npmrc` skips here (`onnxruntime-node-install=skip`).
 */
export function checkExecutionProvider(provider: ExecutionProvider): void {
  if (provider === 'cpu') return;
  const library = cudaProviderLibrary();
  if (!library) {
    throw new ConfigError(
      'MUSE_EXECUTION_PROVIDER=cuda: this onnxruntime-node has no CUDA execution provider ' +
        '(libonnxruntime_providers_cuda.so is not installed; it comes with `npm install` without onnxruntime-node-install=skip ' +
        'on a Linux x64 machine with CUDA 12). Use MUSE_EXECUTION_PROVIDER=cpu, or install it first.',
    );
  }
  // found: the towers would still open on the CPU, because @muse/embeddings' openOnnxSession
  // takes no execution provider yet; refuse rather than pretend
  throw new ConfigError(
    `MUSE_EXECUTION_PROVIDER=cuda: onnxruntime-node has the CUDA provider (${library}), but @muse/embeddings opens its ` +
      'sessions on the CPU only (packages/embeddings/src/onnx-session.ts takes no provider yet). Use MUSE_EXECUTION_PROVIDER=cpu.',
  );
}

function cudaProviderLibrary(): string | null {
  let root: string;
  try {
    // onnxruntime-node as @muse/embeddings (its user) resolves it
    const embeddingsEntry = createRequire(import.meta.url).resolve('@muse/embeddings');
    root = dirname(createRequire(embeddingsEntry).resolve('onnxruntime-node/package.json'));
  } catch {
    return null;
  }
  const bin = join(root, 'bin');
  if (!existsSync(bin)) return null;
  for (const napi of readdirSync(bin)) {
    const path = join(bin, napi, process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
    if (existsSync(path)) return path;
  }
  return null;
}
