/** The approximate-nearest-neighbour index as the API uses it (hnswlib today, pgvector later). */
export interface AnnIndex {
  readonly size: number;
  add(label: number, vector: Float32Array): void;
  remove(label: number): void;
  /** k nearest by cosine similarity, best first; `accept` restricts the candidates inside the search. */
  search(vector: Float32Array, k: number, accept?: (label: number) => boolean): { label: number; score: number }[];
  save(path: string): Promise<void>;
}

export interface AnnIndexFactory {
  create(dim: number, capacity: number): AnnIndex;
  /** Throws when the file is missing, truncated or does not match its sidecar. */
  load(path: string, dim: number): Promise<AnnIndex>;
}

/** The media side of the model bundle: sniffing, decoding within limits, embedding. */
export interface MediaInfo {
  kind: 'IMAGE' | 'AUDIO';
  mime: string;
  ext: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  sampleRate?: number;
  channels?: number;
}

export interface MediaLimits {
  maxImagePixels: number;
  maxAudioSeconds: number;
  /** shorter audio is refused with AUDIO_TOO_SHORT */
  minAudioSeconds: number;
  /** audio whose RMS level (dBFS) is below this is refused with AUDIO_SILENT */
  silenceRmsDbfs: number;
}

export interface MediaEmbedder {
  readonly bundle: string;
  readonly bundleVersion: string;
  readonly dim: number;
  /** Recognises the format from the bytes; throws UNSUPPORTED_MEDIA. */
  sniff(bytes: Uint8Array): Pick<MediaInfo, 'kind' | 'mime' | 'ext'>;
  /** Decodes (within limits) and embeds; the vector is L2-normalised. */
  embed(bytes: Uint8Array, limits: MediaLimits): Promise<{ media: MediaInfo; vector: Float32Array }>;
  close(): Promise<void>;
}
