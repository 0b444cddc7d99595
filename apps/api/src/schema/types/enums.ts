import { registerEnumType } from 'type-graphql';

export enum AssetKind {
  IMAGE = 'IMAGE',
  AUDIO = 'AUDIO',
}
export enum AssetSource {
  CORPUS = 'CORPUS',
  UPLOAD = 'UPLOAD',
  GENERATED = 'GENERATED',
}
export enum TagOrigin {
  CORPUS = 'CORPUS',
  PREDICTED = 'PREDICTED',
  USER = 'USER',
}
export enum JobStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(AssetKind, { name: 'AssetKind', description: 'What an asset holds' });
registerEnumType(AssetSource, { name: 'AssetSource', description: 'Where an asset came from' });
registerEnumType(TagOrigin, { name: 'TagOrigin', description: 'Who put a tag on an asset' });
registerEnumType(JobStatus, {
  name: 'JobStatus',
  description: 'QUEUED → RUNNING → SUCCEEDED, FAILED or CANCELLED (the last three are final)',
});
