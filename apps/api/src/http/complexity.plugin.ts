import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { createRequire } from 'node:module';

// Its ESM build imports graphql/index.mjs, a second copy of graphql next to the CommonJS one
// everything else here loads ("Cannot use GraphQLObjectType from another realm"): use its CJS build.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity/cjs',
) as typeof import('graphql-query-complexity');

/** Root fields of the operation to run, aliases and fragments counted: each is a separate piece of work. */
function rootFieldCount(document: DocumentNode, operationName: string | null | undefined): number {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((o) => !operationName || o.name?.value === operationName) ?? operations[0];
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const seen = new Set<string>();
  const count = (set: SelectionSetNode): number =>
    set.selections.reduce((n, sel) => {
      if (sel.kind === Kind.FIELD) return n + (sel.name.value.startsWith('__') ? 0 : 1);
      if (sel.kind === Kind.INLINE_FRAGMENT) return n + count(sel.selectionSet);
      const fragment = fragments.get(sel.name.value);
      if (!fragment || seen.has(sel.name.value)) return n; // a cycle is the validator's to report
      seen.add(sel.name.value);
      return n + count(fragment.selectionSet);
    }, 0);
  return operation ? count(operation.selectionSet) : 0;
}

/**
 * Rejects operations with more than `maxRootFields` root fields (2,400 aliased `stats` once ran
 * 172 s) or whose estimated cost (list sizes × selections, field costs) exceeds `max`.
 */
export function complexityLimitPlugin(schema: GraphQLSchema, max: number, maxRootFields: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const roots = rootFieldCount(document, request.operationName);
          if (roots > maxRootFields) {
            throw new GraphQLError(`the operation has ${roots} root fields (aliases included); the limit is ${maxRootFields}`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
            });
          }
          let complexity: number;
          try {
            complexity = getComplexity({
              schema,
              operationName: request.operationName ?? undefined,
              query: document,
              variables: request.variables ?? {},
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (err) {
            // It coerces the variables first: a null `Upload!`, a string for an Int, … are the client's mistakes.
            if (err instanceof GraphQLError) {
              throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
            }
            throw err;
          }
          if (complexity > max) {
            throw new GraphQLError(`query complexity ${complexity} exceeds the limit of ${max}`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
