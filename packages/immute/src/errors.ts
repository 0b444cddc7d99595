/** Errors with a stable `code`, so a caller (CLI, API) can map them without parsing messages. */
export class ImmuteError extends Error {
  constructor(
    readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'SOUNDFONT_MISSING' | 'BAD_METADATA' | 'RENDER_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'ImmuteError';
  }
}
