import * as ort from 'onnxruntime-node';

/**
 * The one way this project opens an ONNX model: CPU, `intraOpThreads` threads for one operator,
 * one operator at a time, every graph optimisation. (An execution-provider setting belongs here.)
 */
export function openOnnxSession(path: string, intraOpThreads = 1): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}
