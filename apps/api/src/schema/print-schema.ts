import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchema } from './build-schema.js';

const HEADER = '# Generated from apps/api/src/schema by apps/api/scripts/emit-schema.ts. Do not edit.\n\n';

export async function printApiSchema(): Promise<string> {
  return HEADER + printSchema(lexicographicSortSchema(await buildApiSchema())) + '\n';
}
