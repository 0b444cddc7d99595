import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/config.js';

export type ExecutionProvider = 'cpu' | 'cuda';

/**
 * Checks that onnxruntime-node can run the models on `provider` (MUSE_EXECUTION_PROVIDER) before
 * anything loads. CUDA needs the provider library that onnxruntime-node's install script fetches,
 * which `.npmrc` skips here (`onnxruntime-node-install=skip`). @muse/embeddings' openOnnxSession
 * (every ONNX session of the process: MuVis towers and generators) reads the provider from the
 * process environment, so a configuration made from another environment must name the same one.
 */
export function checkExecutionProvider(provider: ExecutionProvider, processEnv: NodeJS.ProcessEnv = process.env): void {
  const sessionsUse = processEnv.MUSE_EXECUTION_PROVIDER || 'cpu';
  if (sessionsUse !== provider) {
    throw new ConfigError(
      `MUSE_EXECUTION_PROVIDER: the configuration says ${provider}, but this process's environment says ${sessionsUse}, ` +
        'which is what its ONNX sessions use; set the same value in both',
    );
  }
  if (provider === 'cpu') return;
  if (!cudaProviderLibrary()) {
    throw new ConfigError(
      'MUSE_EXECUTION_PROVIDER=cuda: this onnxruntime-node has no CUDA execution provider ' +
        '(libonnxruntime_providers_cuda.so is not installed; it comes with `npm install` without onnxruntime-node-install=skip ' +
        'on a Linux x64 machine with CUDA 12). Use MUSE_EXECUTION_PROVIDER=cpu, or install it first.',
    );
  }
}

/** The CUDA provider library of the onnxruntime-node that @muse/embeddings uses, or null when it is not installed. */
export function cudaProviderLibrary(): string | null {
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
