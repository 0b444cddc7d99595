// The generation package's one way to open a network it ships or reads from a bundle: the session opened the
// project's way (openOnnxSession), then its input and output names checked, so a file that breaks the contract
// fails with BUNDLE_INVALID naming the file and what is missing, not with a shape error deep in a loop.
import type * as ort from 'onnxruntime-node';
import { openOnnxSession } from '@muse/embeddings';
import { GenerationError } from './imagic/errors.js';

/** `what` names the network in messages ("Imagic decoder", "MusIm encoder", "basic-pitch transcription model"). */
export async function openContractSession(path: string, what: string, inputs: readonly string[], outputs: readonly string[], threads: number): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession;
  try {
    session = await openOnnxSession(path, threads);
  } catch (error) {
    throw new GenerationError('BUNDLE_INVALID', `Cannot load the ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
  const missing = [
    ...inputs.filter((n) => !session.inputNames.includes(n)).map((n) => `input '${n}'`),
    ...outputs.filter((n) => !session.outputNames.includes(n)).map((n) => `output '${n}'`),
  ];
  if (missing.length) {
    await session.release();
    throw new GenerationError('BUNDLE_INVALID', `${path} does not follow the ${what} contract: no ${missing.join(', ')} (has inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`);
  }
  return session;
}
