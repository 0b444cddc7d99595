/**
 * Typed errors with a stable `code`. The API maps `code` straight onto GraphQL
 * `extensions.code`, so these strings are a contract: never rename one.
 */
export type EmbeddingsErrorCode =
  | 'UNSUPPORTED_MEDIA'
  | 'BAD_USER_INPUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'INDEX_CORRUPT'
  | 'BUNDLE_INVALID';

export abstract class EmbeddingsError extends Error {
  abstract readonly code: EmbeddingsErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The bytes are not a format we accept (sniffed from magic bytes, never from a file name). */
export class UnsupportedMediaError extends EmbeddingsError {
  readonly code = 'UNSUPPORTED_MEDIA' as const;
}

/** The format is recognised but the bytes are corrupt, truncated or otherwise undecodable. */
export class InvalidMediaError extends EmbeddingsError {
  readonly code = 'BAD_USER_INPUT' as const;
}

/** Decoding would exceed an explicit limit (pixels, seconds, bytes). */
export class MediaLimitError extends EmbeddingsError {
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
  constructor(
    message: string,
    readonly limit: { name: string; max: number; actual: number },
  ) {
    super(message);
  }
}

/** A persisted index does not match its sidecar; the caller should rebuild it from the DB. */
export class IndexCorruptError extends EmbeddingsError {
  readonly code = 'INDEX_CORRUPT' as const;
}

/** A model bundle folder is missing, incomplete or its manifest is malformed. */
export class BundleError extends EmbeddingsError {
  readonly code = 'BUNDLE_INVALID' as const;
}
