import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ExecutionProviderError, executionProvidersFor, openOnnxSession, parseExecutionProvider, processExecutionProvider } from './onnx-session.js';
import { FIXTURES } from './testing/helpers.js';

const MODEL = join(FIXTURES, 'bundle', 'image.onnx');

function withEnv<T>(value: string | undefined, body: () => T): T {
  const saved = process.env.MUSE_EXECUTION_PROVIDER;
  if (value === undefined) delete process.env.MUSE_EXECUTION_PROVIDER;
  else process.env.MUSE_EXECUTION_PROVIDER = value;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env.MUSE_EXECUTION_PROVIDER;
    else process.env.MUSE_EXECUTION_PROVIDER = saved;
  }
}

/** whether this onnxruntime-node install carries the CUDA provider library (`.npmrc` skips its download here) */
function hasCudaProvider(): boolean {
  const bin = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json')), 'bin');
  return existsSync(bin) && readdirSync(bin).some((napi) => existsSync(join(bin, napi, process.platform, process.arch, 'libonnxruntime_providers_cuda.so')));
}

test('MUSE_EXECUTION_PROVIDER: unset or empty is cpu; cpu and cuda are taken as given', () => {
  assert.equal(parseExecutionProvider(undefined), 'cpu');
  assert.equal(parseExecutionProvider(''), 'cpu');
  assert.equal(parseExecutionProvider('cpu'), 'cpu');
  assert.equal(parseExecutionProvider('cuda'), 'cuda');
});

test('any other provider name is refused with a stable code, naming the allowed ones', () => {
  for (const bad of ['CUDA', 'gpu', 'tensorrt', ' cpu']) {
    assert.throws(() => parseExecutionProvider(bad), (err: unknown) => {
      assert.ok(err instanceof ExecutionProviderError);
      assert.equal(err.code, 'EXECUTION_PROVIDER_INVALID');
      assert.match(err.message, /one of cpu, cuda/);
      return true;
    });
  }
});

test('cpu runs on the CPU only; cuda puts CUDA first with the CPU behind it for operators CUDA lacks', () => {
  assert.deepEqual(executionProvidersFor('cpu'), ['cpu']);
  assert.deepEqual(executionProvidersFor('cuda'), [{ name: 'cuda', deviceId: 0 }, 'cpu']);
});

test('the process provider is read from MUSE_EXECUTION_PROVIDER at each open', () => {
  assert.equal(withEnv(undefined, processExecutionProvider), 'cpu');
  assert.equal(withEnv('cuda', processExecutionProvider), 'cuda');
  assert.throws(() => withEnv('metal', processExecutionProvider), /one of cpu, cuda/);
});

test('a session opens on the CPU by default', async () => {
  const session = await withEnv(undefined, () => openOnnxSession(MODEL));
  assert.deepEqual(session.inputNames, ['pixel_values']);
  await session.release();
});

test('cuda without the CUDA provider library: the open fails with EXECUTION_PROVIDER_UNAVAILABLE and the reason', { skip: hasCudaProvider() && 'this onnxruntime-node has the CUDA provider' }, async () => {
  await assert.rejects(openOnnxSession(MODEL, 1, 'cuda'), (err: unknown) => {
    assert.ok(err instanceof ExecutionProviderError);
    assert.equal(err.code, 'EXECUTION_PROVIDER_UNAVAILABLE');
    assert.match(err.message, /cuda execution provider/);
    return true;
  });
});
