import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An API key as stored: never the key itself, only its hash (not exposed) and its first characters' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'first characters of the key, to tell keys apart (`revokeApiKey` takes it)' })
  prefix!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [String], { description: 'read, write, admin (admin implies write, write implies read)' })
  scopes!: string[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A new key: `key` is shown this once and cannot be read again' })
export class CreatedApiKey {
  @Field(() => String, { description: 'send as `Authorization: Bearer <key>`' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
