/** Where media bytes live, addressed by their sha256. A local folder today; object storage later. */
export interface MediaStore {
  /** Stores the bytes under their hash; returns true when this call created the file. */
  put(sha256: string, ext: string, bytes: Uint8Array): Promise<boolean>;
  /** The bytes of a stored file, or null when it is missing. */
  read(sha256: string, ext: string): Promise<Uint8Array | null>;
  /** Absolute path of a stored file, or null when it is missing. */
  locate(sha256: string, ext: string): Promise<string | null>;
  remove(sha256: string, ext: string): Promise<void>;
  /** Every stored file, and the temp files an interrupted write left (`temp: true`). */
  list(): AsyncIterable<StoredMediaFile>;
  /** Removes a listed file (a temp file, or one no asset owns). */
  discard(file: StoredMediaFile): Promise<void>;
}

export interface StoredMediaFile {
  path: string;
  /** null for a temp file */
  sha256: string | null;
  ext: string | null;
  temp: boolean;
  modifiedMs: number;
}
