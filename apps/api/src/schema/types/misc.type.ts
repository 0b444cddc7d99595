import { Field, Float, ID, Int, ObjectType, GraphQLISODateTime } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { AssetKind, JobStatus } from './enums.js';

@ObjectType({ description: 'Background work; poll job(id) until status is SUCCEEDED or FAILED' })
export class Job {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  type!: string;

  @Field(() => JobStatus)
  status!: JobStatus;

  @Field(() => Float, { description: 'fraction done, 0 to 1' })
  progress!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  result!: unknown;

  @Field(() => Int)
  attempts!: number;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType({ description: 'A named collection of assets' })
export class Library {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType()
export class BundleInfo {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => Int)
  dim!: number;
}

@ObjectType()
export class IndexStats {
  @Field(() => AssetKind)
  modality!: AssetKind;

  @Field(() => Int)
  size!: number;
}

@ObjectType()
export class Stats {
  @Field(() => Int)
  images!: number;

  @Field(() => Int)
  audio!: number;

  @Field(() => Int)
  libraries!: number;

  @Field(() => Int)
  tags!: number;

  @Field(() => BundleInfo)
  bundle!: BundleInfo;

  @Field(() => [IndexStats])
  indexes!: IndexStats[];
}
