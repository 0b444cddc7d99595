import { Field, Float, ID, ObjectType } from 'type-graphql';
import { AssetKind } from './enums.js';

@ObjectType({ description: 'An asset placed on the 2-D map of the joint MuVis embedding space' })
export class MapPoint {
  @Field(() => ID)
  assetId!: string;

  @Field(() => AssetKind)
  kind!: AssetKind;

  @Field(() => Float, { description: 'first principal component, scaled into [-1, 1]' })
  x!: number;

  @Field(() => Float, { description: 'second principal component, scaled by the same factor as x' })
  y!: number;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => [String], { description: 'up to 5 tag names, highest score first' })
  tags!: string[];
}
