import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../config/config.js';
import { checkExecutionProvider, cudaProviderLibrary } from './execution-provider.util.js';

test('cpu is always accepted when the process environment agrees (unset means cpu)', () => {
  checkExecutionProvider('cpu', {});
  checkExecutionProvider('cpu', { MUSE_EXECUTION_PROVIDER: 'cpu' });
});

test('a configuration that names another provider than the environment the ONNX sessions read is refused', () => {
  assert.throws(() => checkExecutionProvider('cpu', { MUSE_EXECUTION_PROVIDER: 'cuda' }), (err: unknown) => err instanceof ConfigError && /environment says cuda/.test(err.message));
  assert.throws(() => checkExecutionProvider('cuda', {}), (err: unknown) => err instanceof ConfigError && /environment says cpu/.test(err.message));
});

test('cuda without the CUDA provider library (this install: .npmrc skips its download) is refused with the reason', { skip: cudaProviderLibrary() !== null && 'this onnxruntime-node has the CUDA provider' }, () => {
  assert.throws(
    () => checkExecutionProvider('cuda', { MUSE_EXECUTION_PROVIDER: 'cuda' }),
    (err: unknown) => err instanceof ConfigError && /no CUDA execution provider/.test(err.message) && /libonnxruntime_providers_cuda\.so/.test(err.message),
  );
});
