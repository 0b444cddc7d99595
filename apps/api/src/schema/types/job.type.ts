import { Field, Float, ID, Int, ObjectType, GraphQLISODateTime } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { JobStatus } from './enums.js';

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
