export type AssetKind = 'IMAGE' | 'AUDIO';
export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface AssetTag {
  name: string;
  score: number;
  origin: string;
}

export interface Asset {
  id: string;
  kind: AssetKind;
  title: string | null;
  caption: string | null;
  url: string;
  mime: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  source: string;
  tags: AssetTag[];
  createdAt: string;
}

export interface SearchHit {
  score: number;
  asset: Asset;
}

export interface Job {
  id: string;
  type: string;
  status: JobStatus;
  progress: number;
  error: string | null;
  result: unknown;
}

export interface Library {
  id: string;
  name: string;
  description: string | null;
  assetCount: number;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface AssetConnection {
  edges: { cursor: string; node: Asset }[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface SuggestedTag {
  name: string;
  score: number;
}

export interface MapPoint {
  assetId: string;
  kind: AssetKind;
  x: number;
  y: number;
  title: string | null;
  tags: string[];
}

export interface Stats {
  images: number;
  audio: number;
  tags: number;
  libraries: number;
  bundle: { name: string; version: string; dim: number };
}

export interface AssetFilter {
  kind?: AssetKind;
  tags?: string[];
  libraryId?: string;
}

export interface SearchFilter {
  tags?: string[];
  libraryId?: string;
}
