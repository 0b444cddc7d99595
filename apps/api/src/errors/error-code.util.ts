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
    const status = (err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
    if (status === 413) return 'PAYLOAD_TOO_LARGE';
  }
  return undefined;
}

// Apollo's own codes for malformed operations; they pass through untouched.
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

export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logUnexpected: (err: unknown) => void = () => undefined,
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const code = errorCodeOf(original);
  if (code) {
    const details = original instanceof AppException ? original.details : undefined;
    return { ...formatted, message: (original as Error).message, extensions: { ...details, code } };
  }
  const existing = formatted.extensions?.code;
  if (typeof existing === 'string' && PASS_THROUGH.has(existing)) return formatted;
  // Argument validation errors from type-graphql / class-validator.
  if ((original as { name?: string })?.name === 'ArgumentValidationError') {
    return { ...formatted, extensions: { code: 'BAD_USER_INPUT' } };
  }
  logUnexpected(original);
  return { message: 'internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
