import { Field, ID, InputType } from 'type-graphql';
import { AssetKind, AssetSource } from './enums.js';

@InputType({ description: 'Restricts assets; in searches it is applied inside the index search' })
export class AssetFilter {
  @Field(() => AssetKind, { nullable: true, description: 'ignored by searches, whose target kind is fixed' })
  kind?: AssetKind;

  @Field(() => [String], { nullable: true, description: 'the asset carries every one of these tags' })
  tags?: string[];

  @Field(() => ID, { nullable: true })
  libraryId?: string;

  @Field(() => [AssetSource], { nullable: true })
  sources?: AssetSource[];

  @Field(() => String, { nullable: true, description: 'case-insensitive substring of title or caption' })
  text?: string;
}
