import type { ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { processRequest, Upload, type FileUpload } from 'graphql-upload-minimal';
import type { Limits } from '../config/config.js';
import { sendError } from './error-response.util.js';

const MAX_FIELD_BYTES = 1_000_000;

/**
 * A request refused before its files were read (UNAUTHENTICATED in a resolver, say) leaves the
 * rest of its body on the socket, paused: the keep-alive connection then hangs until it times out
 * and the client's next request on it (a proxy's, typically) fails with ECONNRESET. Read the rest
 * and drop it; a body larger than any acceptable request closes the connection instead.
 */
function discardUnreadBody(req: Request, cap: number): void {
  if (req.readableEnded) return;
  req.unpipe();
  let left = cap;
  req.on('data', (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) req.socket.destroy();
  });
  req.resume();
}

/** Every Upload the multipart map placed in the operations (one operation or a batch). */
function uploadsIn(value: unknown, found = new Set<Upload>()): Set<Upload> {
  if (value instanceof Upload) found.add(value);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) uploadsIn(item, found);
  return found;
}

/** The bytes of a file stream, or 'too-large' as soon as it passes maxBytes. */
function readWithin(stream: Readable, maxBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) resolve('too-large');
      else chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * Reads one uploaded file into memory and puts a replay of it in place of the stream, so that
 * the byte limit is decided here, before GraphQL runs. Anything else that goes wrong (a mapped
 * file never sent, a client that hangs up) stays on the Upload for the resolver to report.
 */
async function bufferUpload(upload: Upload, maxBytes: number): Promise<'ok' | 'too-large'> {
  let file: FileUpload;
  try {
    file = await upload.promise;
  } catch {
    return 'ok';
  }
  let bytes: Buffer | 'too-large';
  try {
    bytes = await readWithin(file.createReadStream() as unknown as Readable, maxBytes);
  } catch (err) {
    if ((err as { status?: number }).status === 413) return 'too-large';
    upload.promise = Promise.reject(err);
    upload.promise.catch(() => {});
    return 'ok';
  }
  if (bytes === 'too-large') return bytes;
  const whole = bytes;
  const replay: FileUpload = {
    ...file,
    createReadStream: () => Readable.from([whole], { objectMode: false }) as unknown as ReadStream,
  };
  upload.file = replay;
  upload.promise = Promise.resolve(replay);
  return 'ok';
}

/** Settles 'too-large' as soon as one file is, 'ok' when all are read. */
function firstTooLarge(reads: Promise<'ok' | 'too-large'>[]): Promise<'ok' | 'too-large'> {
  return new Promise((resolve) => {
    let left = reads.length;
    if (left === 0) resolve('ok');
    for (const read of reads) {
      void read.then((outcome) => {
        if (outcome === 'too-large') resolve(outcome);
        else if (--left === 0) resolve('ok');
      });
    }
  });
}

/**
 * GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec)
 * with explicit limits. The files are read here, before any resolver runs, so that every limit
 * refusal is the same answer: HTTP 413 with a GraphQL error body, code PAYLOAD_TOO_LARGE — too
 * many files, a field over 1 MB, or a file over `maxUploadBytes` (a file of exactly that many
 * bytes is accepted).
 */
export function uploadMiddleware(limits: Limits) {
  const drainCap = limits.maxUploadBytes * limits.maxFiles + MAX_FIELD_BYTES;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    res.once('finish', () => discardUnreadBody(req, drainCap));
    let operations: unknown;
    try {
      operations = await processRequest(req, res, {
        // busboy cuts a file off when it reaches its limit, so let it reach one byte more
        // than ours: a file of exactly maxUploadBytes must arrive whole.
        maxFileSize: limits.maxUploadBytes + 1,
        maxFiles: limits.maxFiles,
        maxFieldSize: MAX_FIELD_BYTES,
      });
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      if (status === 413) sendError(res, 413, 'PAYLOAD_TOO_LARGE', (err as Error).message);
      else sendError(res, 400, 'BAD_USER_INPUT', (err as Error).message);
      return;
    }
    const reads = [...uploadsIn(operations)].map((upload) => bufferUpload(upload, limits.maxUploadBytes));
    if ((await firstTooLarge(reads)) === 'too-large') {
      sendError(res, 413, 'PAYLOAD_TOO_LARGE', `an uploaded file exceeds the limit of ${limits.maxUploadBytes} bytes per file`);
      return;
    }
    req.body = operations;
    next();
  };
}
