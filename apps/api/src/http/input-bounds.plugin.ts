import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

export interface InputBounds {
  maxListItems: number;
  maxStringLength: number;
}

/**
 * Bounds every list and string a request carries — inline arguments and variables alike —
 * before anything resolves, and refuses NUL characters (PostgreSQL text cannot hold them).
 * Tighter limits for particular arguments (filter tags, `first`) live in the services.
 */
export function inputBoundsPlugin(bounds: InputBounds): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const problem = literalProblem(document, bounds) ?? valueProblem(request.variables ?? {}, bounds, 'variables');
          if (problem) throw new GraphQLError(problem, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        },
      };
    },
  };
}

function stringProblem(value: string, bounds: InputBounds, where: string): string | undefined {
  if (value.length > bounds.maxStringLength) return `${where}: a string of ${value.length} characters exceeds the limit of ${bounds.maxStringLength}`;
  if (value.includes('\u0000')) return `${where}: strings may not contain NUL characters`;
  return undefined;
}

function valueProblem(value: unknown, bounds: InputBounds, where: string, depth = 0): string | undefined {
  if (depth > 32) return `${where}: nested too deeply`;
  if (typeof value === 'string') return stringProblem(value, bounds, where);
  if (Array.isArray(value)) {
    if (value.length > bounds.maxListItems) return `${where}: a list of ${value.length} items exceeds the limit of ${bounds.maxListItems}`;
    for (const item of value) {
      const problem = valueProblem(item, bounds, where, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  // uploads are stream objects, not input values
  if (value && typeof value === 'object' && !('createReadStream' in value) && !(value instanceof Promise)) {
    for (const [key, item] of Object.entries(value)) {
      const problem = valueProblem(item, bounds, `${where}.${key}`, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

function literalProblem(document: DocumentNode, bounds: InputBounds): string | undefined {
  let problem: string | undefined;
  visit(document, {
    [Kind.STRING]: (node) => {
      problem ??= stringProblem(node.value, bounds, 'argument');
    },
    [Kind.LIST]: (node) => {
      if (node.values.length > bounds.maxListItems) problem ??= `argument: a list of ${node.values.length} items exceeds the limit of ${bounds.maxListItems}`;
    },
  });
  return problem;
}
