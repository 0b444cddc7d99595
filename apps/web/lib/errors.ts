/** Words a person can act on, keyed by the API's stable `extensions.code`. */
const MESSAGES: Record<string, string> = {
  BAD_USER_INPUT: 'The request was not accepted.',
  UNSUPPORTED_MEDIA:
    'That file type is not supported. Use an image (PNG, JPEG, WebP, GIF) or audio (WAV, MP3, OGG, Opus, FLAC).',
  PAYLOAD_TOO_LARGE: 'The file is too large for the API. Try a smaller or shorter file.',
  UNAUTHENTICATED: 'This action needs an API key. Enter one with the "API key" button at the top of the page.',
  FORBIDDEN: 'Your API key is not allowed to do this. Use a key with the needed scope (for example "write").',
  NOT_FOUND: 'That item does not exist any more. It may have been deleted.',
  CONFLICT: 'That conflicts with something that already exists (for example a library with the same name).',
  ENGINE_UNAVAILABLE: 'This engine is not available on this server yet.',
  NOT_READY: 'The API is still starting (loading the model or the index). Try again in a moment.',
  SERVICE_UNAVAILABLE: 'The API is not ready yet (it may still be loading models or the index). Try again shortly.',
  TOO_MANY_REQUESTS: 'Too many requests at once. Wait a moment and try again.',
  QUERY_TOO_COMPLEX: 'That request asks for too much at once. Ask for fewer results.',
  GRAPHQL_VALIDATION_FAILED:
    'The web app and the API disagree about this request; they are probably different versions.',
  GRAPHQL_PARSE_FAILED: 'The web app sent a malformed request; please report this.',
  PERSISTED_QUERY_NOT_FOUND: 'The request could not be matched on the server; reload the page.',
  INTERNAL_SERVER_ERROR: 'The API failed unexpectedly. Try again; if it keeps happening, check the server log.',
  NETWORK: 'Cannot reach the Muse API. Check that it is running (npm run api) and reload.',
  BAD_RESPONSE: 'The API answered with something the web app could not read.',
  JOB_FAILED: 'The job failed on the server; its reason is below.',
};

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export class ApiError extends Error {
  readonly code: string;
  /** The API's own message, shown under the plain-words summary. */
  readonly detail: string;

  constructor(code: string, detail: string) {
    super(describeCode(code));
    this.name = 'ApiError';
    this.code = code;
    this.detail = detail;
  }
}

export function describeCode(code: string): string {
  return MESSAGES[code] ?? 'Something went wrong.';
}

export function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_RESPONSE');
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DOMException && error.name === 'AbortError') return new ApiError('ABORTED', 'Cancelled.');
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError('NETWORK', message);
}
