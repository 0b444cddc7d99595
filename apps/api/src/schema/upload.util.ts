import type { FileUpload } from 'graphql-upload-minimal';
import { BadUserInputException, PayloadTooLargeException } from '../errors/app.exception.js';

/** Reads a multipart upload into memory, enforcing the byte limit. */
export async function readUpload(upload: Promise<FileUpload> | FileUpload | null | undefined, maxBytes: number): Promise<{ bytes: Uint8Array; filename: string }> {
  if (!upload) throw new BadUserInputException('a file is required');
  let file: FileUpload;
  try {
    file = await upload;
  } catch (err) {
    throw asUploadError(err, maxBytes);
  }
  if (!file || typeof file.createReadStream !== 'function') throw new BadUserInputException('expected a multipart file upload');
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const stream = file.createReadStream();
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        stream.destroy();
        throw new PayloadTooLargeException(`the upload exceeds the ${maxBytes}-byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
    if ((stream as unknown as { truncated?: boolean }).truncated) {
      throw new PayloadTooLargeException(`the upload exceeds the ${maxBytes}-byte limit`);
    }
  } catch (err) {
    throw asUploadError(err, maxBytes);
  }
  if (total === 0) throw new BadUserInputException('the uploaded file is empty');
  return { bytes: new Uint8Array(Buffer.concat(chunks, total)), filename: file.filename ?? '' };
}

function asUploadError(err: unknown, maxBytes: number): Error {
  if (err instanceof PayloadTooLargeException || err instanceof BadUserInputException) return err;
  const status = (err as { status?: number }).status;
  if (status === 413) return new PayloadTooLargeException(`the upload exceeds the ${maxBytes}-byte limit`);
  return new BadUserInputException(`the upload could not be read: ${(err as Error).message}`);
}
