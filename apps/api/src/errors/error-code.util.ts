import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppException, type ErrorCode } from './app.exception.js';

// Codes thrown by @muse/embeddings (duck-typed on `code`: the classes live in that package).
const MEDIA_CODES: Record<string, ErrorCode> = {
  UNSUPPORTED_MEDIA: 'UNSUPPORTED_MEDIA',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

/**
 * PostgreSQL SQLSTATEs that mean the database did not answer in time, not that the request was
 * wrong: a statement cancelled at MUSE_STATEMENT_TIMEOUT_MS (57014 query_canceled), a lock not
 * obtained (55P03), no connection slot left (53300).
 */
const DATABASE_BUSY_SQLSTATES = new Set(['57014', '55P03', '53300']);
/** Prisma's: no pooled connection in time (P2024); a transaction not started or expired in time (P2028). */
const DATABASE_BUSY_PRISMA_CODES = new Set(['P2024', 'P2028']);
/** What the client is told instead of Prisma's message (which quotes server source and paths). */
export const DATABASE_BUSY_MESSAGE = 'the database did not answer in time (the server is overloaded); try again later';

/**
 * Whether `err` is the database giving up on time (statement timeout, lock or pool wait), through
 * Prisma's driver adapter (`meta.driverAdapterError.cause.originalCode`) or straight from `pg`.
 */
export function isDatabaseBusy(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: unknown; code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } }; cause?: { originalCode?: unknown } };
  if (typeof e.code === 'string' && e.name === 'PrismaClientKnownRequestError' && DATABASE_BUSY_PRISMA_CODES.has(e.code)) return true;
  const sqlState = e.meta?.driverAdapterError?.cause?.originalCode ?? e.cause?.originalCode ?? (e.name === 'error' ? e.code : undefined);
  return typeof sqlState === 'string' && DATABASE_BUSY_SQLSTATES.has(sqlState);
}

/** The one place where any thrown error becomes a stable client-facing code. */
export function errorCodeOf(err: unknown): ErrorCode | undefined {
  if (err instanceof AppException) return err.code;
  if (isDatabaseBusy(err)) return 'SERVICE_UNAVAILABLE';
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
  /** the database gave up on time (isDatabaseBusy): the client gets SERVICE_UNAVAILABLE, the operator a warning */
  logDatabaseBusy?: (err: unknown) => void;
  /** Keep `extensions.stacktrace` (NODE_ENV=development only); never for anything else. */
  exposeStackTraces?: boolean;
}

export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, opts: FormatErrorOptions = {}): GraphQLFormattedError {
  const stack = opts.exposeStackTraces && Array.isArray(formatted.extensions?.stacktrace) ? { stacktrace: formatted.extensions.stacktrace } : {};
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const code = errorCodeOf(original);
  if (code) {
    const details = original instanceof AppException ? original.details : undefined;
    const busy = !(original instanceof AppException) && isDatabaseBusy(original);
    if (busy) opts.logDatabaseBusy?.(original);
    return { ...formatted, message: busy ? DATABASE_BUSY_MESSAGE : (original as Error).message, extensions: { ...details, code, ...stack } };
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
