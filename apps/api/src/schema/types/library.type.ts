import { Field, ID, ObjectType, GraphQLISODateTime } from 'type-graphql';

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
