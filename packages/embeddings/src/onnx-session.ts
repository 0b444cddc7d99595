import * as ort from 'onnxruntime-node';

/** Where onnxruntime runs the models: `MUSE_EXECUTION_PROVIDER`, one setting for the whole process. */
export type ExecutionProvider = 'cpu' | 'cuda';

const PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda'];

/** A provider name that is not one of PROVIDERS, or a provider this onnxruntime-node cannot open. */
export class ExecutionProviderError extends Error {
  constructor(
    message: string,
    readonly code: 'EXECUTION_PROVIDER_INVALID' | 'EXECUTION_PROVIDER_UNAVAILABLE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExecutionProviderError';
  }
}

/** `MUSE_EXECUTION_PROVIDER` as given: unset or empty is `cpu`; anything else but `cpu`/`cuda` is refused. */
export function parseExecutionProvider(value: string | undefined): ExecutionProvider {
  if (value === undefined || value === '') return 'cpu';
  if ((PROVIDERS as readonly string[]).includes(value)) return value as ExecutionProvider;
  throw new ExecutionProviderError(`MUSE_EXECUTION_PROVIDER must be one of ${PROVIDERS.join(', ')}; got '${value}'`, 'EXECUTION_PROVIDER_INVALID');
}

/**
 * onnxruntime's provider list for `provider`. CUDA comes first with the CPU after it: onnxruntime
 * places each operator on the first provider that has a kernel for it, and the CUDA provider lacks
 * some (the CPU takes those), so a CUDA-only list would refuse models that run fine mixed.
 */
export function executionProvidersFor(provider: ExecutionProvider): ort.InferenceSession.ExecutionProviderConfig[] {
  return provider === 'cuda' ? [{ name: 'cuda', deviceId: 0 }, 'cpu'] : ['cpu'];
}

/** The process's provider: `MUSE_EXECUTION_PROVIDER` from its environment (the API checks it at start). */
export function processExecutionProvider(): ExecutionProvider {
  return parseExecutionProvider(process.env.MUSE_EXECUTION_PROVIDER);
}

/**
 * The one way this project opens an ONNX model: on `provider` (default: the process's
 * MUSE_EXECUTION_PROVIDER), `intraOpThreads` threads for one operator, one operator at a time,
 * every graph optimisation.
 */
export async function openOnnxSession(path: string, intraOpThreads = 1, provider: ExecutionProvider = processExecutionProvider()): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: executionProvidersFor(provider),
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  if (provider === 'cpu') return ort.InferenceSession.create(path, options);
  try {
    return await ort.InferenceSession.create(path, options);
  } catch (error) {
    throw new ExecutionProviderError(
      `onnxruntime-node could not open ${path} on the ${provider} execution provider (is its provider library installed, and a GPU with CUDA 12 present?): ${(error as Error).message}`,
      'EXECUTION_PROVIDER_UNAVAILABLE',
      { cause: error },
    );
  }
}
