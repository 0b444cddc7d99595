import type { FileUpload } from 'graphql-upload-minimal';
import { BadUserInputException, PayloadTooLargeException } from '../errors/app.exception.js';

/**
 * Reads a multipart upload into memory. The byte limit is enforced once, by the multipart parser
 * (uploadMiddleware); this maps its signals — a 413 error, or a file stream cut off at the
 * limit — to PAYLOAD_TOO_LARGE.
 */
export async function readUpload(upload: Promise<FileUpload> | FileUpload | null | undefined): Promise<{ bytes: Uint8Array; filename: string }> {
  if (!upload) throw new BadUserInputException('a file is required');
  let file: FileUpload;
  try {
    file = await upload;
  } catch (err) {
    throw asUploadError(err);
  }
  if (!file || typeof file.createReadStream !== 'function') throw new BadUserInputException('expected a multipart file upload');
  const chunks: Buffer[] = [];
  try {
    const stream = file.createReadStream();
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if ((stream as unknown as { truncated?: boolean }).truncated) throw new PayloadTooLargeException('the upload exceeds the byte limit of this server');
  } catch (err) {
    throw asUploadError(err);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.byteLength === 0) throw new BadUserInputException('the uploaded file is empty');
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), filename: file.filename ?? '' };
}

function asUploadError(err: unknown): Error {
  if (err instanceof PayloadTooLargeException || err instanceof BadUserInputException) return err;
  const status = (err as { status?: number }).status;
  if (status === 413) return new PayloadTooLargeException((err as Error).message);
  return new BadUserInputException(`the upload could not be read: ${(err as Error).message}`);
}
