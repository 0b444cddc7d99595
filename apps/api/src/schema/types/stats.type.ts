import { Field, Int, ObjectType } from 'type-graphql';
import { AssetKind } from './enums.js';

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
