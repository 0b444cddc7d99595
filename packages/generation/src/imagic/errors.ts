// Typed errors of the Imagic engine. `code` is a contract (the API maps it onto GraphQL extensions.code): never
// rename one.
export type GenerationErrorCode =
  /** the bundle folder, its manifest or its ONNX file is missing or malformed */
  | 'BUNDLE_INVALID'
  /** no bundle was named and models/default-imagic names none */
  | 'BUNDLE_MISSING'
  /** the bundle was trained on another token vocabulary than this code speaks */
  | 'VOCAB_MISMATCH'
  /** the MuVis bundle at hand is not the one the Imagic bundle was trained on */
  | 'ENCODER_MISMATCH'
  /** a request parameter (length, seed, control, prompt) is out of range or contradicts another */
  | 'BAD_USER_INPUT';

export class GenerationError extends Error {
  constructor(
    readonly code: GenerationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GenerationError';
  }
}

export const badInput = (message: string): GenerationError => new GenerationError('BAD_USER_INPUT', message);
