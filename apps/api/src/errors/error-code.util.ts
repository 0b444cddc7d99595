import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppException, type ErrorCode } from './app.exception.js';

// Codes thrown by @muse/embeddings (duck-typed on `code`: the classes live in that package).
const MEDIA_CODES: Record<string, ErrorCode> = {
  UNSUPPORTED_MEDIA: 'UNSUPPORTED_MEDIA',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/** The one place where any thrown error becomes a stable client-facing code. */
export function errorCodeOf(err: unknown): ErrorCode | undefined {
  if (err instanceof AppException) return err.code;
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && MEDIA_CODES[code]) return MEDIA_CODES[code];
    const status = httpStatusOf(err);
    if (status === 413) return 'PAYLOAD_TOO_LARGE';
    // http-errors style client errors (the multipart parser's "File missing in the request.", …)
    if (status !== undefined && status >= 400 && status < 500 && (err as { expose?: unknown }).expose === true) return 'BAD_USER_INPUT';
  }
  return undefined;
}

/** `status` / `statusCode` of an http-errors style error, when it has one. */
export function httpStatusOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const status = (err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

// Apollo's own codes for malformed requests and operations; they pass through (less any stack trace).
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'QUERY_TOO_COMPLEX',
]);

export interface FormatErrorOptions {
  logUnexpected?: (err: unknown) => void;
  /** Keep `extensions.stacktrace` (NODE_ENV=development only); never for anything else. */
  exposeStackTraces?: boolean;
}

export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, opts: FormatErrorOptions = {}): GraphQLFormattedError {
  const stack = opts.exposeStackTraces && Array.isArray(formatted.extensions?.stacktrace) ? { stacktrace: formatted.extensions.stacktrace } : {};
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const code = errorCodeOf(original);
  if (code) {
    const details = original instanceof AppException ? original.details : undefined;
    return { ...formatted, message: (original as Error).message, extensions: { ...details, code, ...stack } };
  }
  const existing = formatted.extensions?.code;
  if (typeof existing === 'string' && PASS_THROUGH.has(existing)) {
    const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, ...stack } };
  }
  // Argument validation errors from type-graphql / class-validator.
  if ((original as { name?: string })?.name === 'ArgumentValidationError') {
    return { ...formatted, extensions: { code: 'BAD_USER_INPUT', ...stack } };
  }
  opts.logUnexpected?.(original);
  return { message: 'internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', ...stack } };
}
