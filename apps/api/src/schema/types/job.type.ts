import { Field, Float, ID, Int, ObjectType, GraphQLISODateTime } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { JobStatus } from './enums.js';

@ObjectType({ description: 'Background work; follow it with the jobUpdated subscription, or poll job(id) until its status is SUCCEEDED, FAILED or CANCELLED' })
export class Job {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  type!: string;

  @Field(() => JobStatus)
  status!: JobStatus;

  @Field(() => Float, { description: 'fraction done, 0 to 1' })
  progress!: number;

  @Field(() => String, { nullable: true, description: 'what it is doing now, e.g. "bar 3 of 12, variation 1 of 2"; null once finished' })
  message!: string | null;

  @Field(() => String, { nullable: true, description: 'while generateImage runs: a thumbnail of the current estimate, a data:image/jpeg URL, renewed every few steps; null otherwise' })
  preview!: string | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "what the job made, by type (INGEST_ASSET: { assetId, created }); for a FAILED job whose failure has a stable code: { errorCode }, the code the request would have got",
  })
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
