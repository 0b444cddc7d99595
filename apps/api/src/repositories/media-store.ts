/** Where media bytes live, addressed by their sha256. A local folder today; object storage later. */
export interface MediaStore {
  /** Stores the bytes under their hash; returns true when this call created the file. */
  put(sha256: string, ext: string, bytes: Uint8Array): Promise<boolean>;
  /** Absolute path of a stored file, or null when it is missing. */
  locate(sha256: string, ext: string): Promise<string | null>;
  remove(sha256: string, ext: string): Promise<void>;
}
