import { Field, Float, ID, Int, ObjectType, GraphQLISODateTime } from 'type-graphql';
import { AssetKind, AssetSource, TagOrigin } from './enums.js';

@ObjectType({ description: 'A tag on an asset, with how sure we are and who set it' })
export class AssetTag {
  @Field(() => String)
  name!: string;

  @Field(() => Float, { description: '1 for corpus and user tags; the predicted share in [0,1] otherwise' })
  score!: number;

  @Field(() => TagOrigin)
  origin!: TagOrigin;
}

@ObjectType({ description: 'An image or a piece of audio' })
export class Asset {
  @Field(() => ID)
  id!: string;

  @Field(() => AssetKind)
  kind!: AssetKind;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  caption!: string | null;

  @Field(() => String, { description: 'absolute URL of the media bytes (GET, Range supported)' })
  url!: string;

  @Field(() => String)
  mime!: string;

  @Field(() => Int, { description: 'size of the media file in bytes' })
  bytes!: number;

  @Field(() => String)
  sha256!: string;

  @Field(() => Float, { nullable: true })
  durationSeconds!: number | null;

  @Field(() => Int, { nullable: true })
  sampleRate!: number | null;

  @Field(() => Int, { nullable: true })
  width!: number | null;

  @Field(() => Int, { nullable: true })
  height!: number | null;

  @Field(() => AssetSource)
  source!: AssetSource;

  @Field(() => String, { nullable: true, description: 'shared by the image and the audio of one corpus item' })
  pairKey!: string | null;

  @Field(() => [AssetTag])
  tags!: AssetTag[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType()
export class SearchHit {
  @Field(() => Float, { description: 'cosine similarity in the joint MuVis space, higher is closer' })
  score!: number;

  @Field(() => Asset)
  asset!: Asset;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType()
export class AssetEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Asset)
  node!: Asset;
}

@ObjectType({ description: 'Relay connection over assets, newest first' })
export class AssetConnection {
  @Field(() => [AssetEdge])
  edges!: AssetEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType()
export class TagSuggestion {
  @Field(() => String)
  name!: string;

  @Field(() => Float, { description: 'in [0,1]: weighted share of nearest cross-modal neighbours carrying the tag' })
  score!: number;
}

@ObjectType()
export class TagCount {
  @Field(() => String)
  name!: string;

  @Field(() => Int)
  count!: number;
}
