/** Stable codes clients see in `extensions.code`. Never rename one. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'BAD_REQUEST'
  /** HTTP 416 from `/media`: a Range wholly past the end of the file */
  | 'RANGE_NOT_SATISFIABLE'
  | 'AUDIO_TOO_SHORT'
  | 'AUDIO_SILENT'
  | 'UNSUPPORTED_MEDIA'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'NOT_READY'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export abstract class AppException extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadUserInputException extends AppException {
  readonly code = 'BAD_USER_INPUT' as const;
}
/** Audio shorter than the minimum a query or an asset needs (`MUSE_MIN_AUDIO_SECONDS`). */
export class AudioTooShortException extends AppException {
  readonly code = 'AUDIO_TOO_SHORT' as const;
}
/** Audio that is digital silence or near it (RMS below `MUSE_SILENCE_RMS_DBFS`). */
export class AudioSilentException extends AppException {
  readonly code = 'AUDIO_SILENT' as const;
}
export class PayloadTooLargeException extends AppException {
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
}
export class UnauthenticatedException extends AppException {
  readonly code = 'UNAUTHENTICATED' as const;
}
export class ForbiddenException extends AppException {
  readonly code = 'FORBIDDEN' as const;
}
export class NotFoundException extends AppException {
  readonly code = 'NOT_FOUND' as const;
}
export class ConflictException extends AppException {
  readonly code = 'CONFLICT' as const;
}
/** The caller has as much work in flight as it may (generation jobs per API key); retry when some finish. */
export class TooManyRequestsException extends AppException {
  readonly code = 'TOO_MANY_REQUESTS' as const;
}
/** A dependency the request needs (the job queue's Redis) cannot be reached; retrying later may work. */
export class ServiceUnavailableException extends AppException {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
}
/** A refusal raised in another process (a worker's job), raised again here with the code it had there. */
export class RelayedException extends AppException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}
