'use client';
import { useEffect, useState } from 'react';
import { graphql } from './graphql';
import { toApiError } from './errors';
import { CAPABILITIES } from './operations';
import type { CapabilitiesQuery } from './generated/graphql';

export interface TypeRef {
  kind: string;
  name: string | null;
  ofType?: TypeRef | null;
}

export interface ArgSpec {
  name: string;
  defaultValue: string | null;
  type: TypeRef;
  description?: string | null;
}

export interface MutationSpec {
  args: ArgSpec[];
  /** the named return type, e.g. "Job" */
  returns: string | null;
}

export interface Capabilities {
  queries: Set<string>;
  mutations: Map<string, MutationSpec>;
}

/** The named type under NON_NULL / LIST wrappers. */
export function namedType(type: TypeRef): TypeRef {
  let current: TypeRef = type;
  while ((current.kind === 'NON_NULL' || current.kind === 'LIST') && current.ofType) current = current.ofType;
  return current;
}

async function introspect(): Promise<Capabilities> {
  const data = await graphql<CapabilitiesQuery>(CAPABILITIES);
  return {
    queries: new Set((data.__schema.queryType.fields ?? []).map((f) => f.name)),
    mutations: new Map((data.__schema.mutationType?.fields ?? []).map((f) => [f.name, { args: f.args, returns: namedType(f.type).name }])),
  };
}

/** Whether a root field exists, for servers with introspection turned off: validation names a missing field. */
async function probeField(operation: 'query' | 'mutation', field: string): Promise<boolean> {
  try {
    await graphql(`${operation} Probe { ${field} }`);
    return true;
  } catch (caught) {
    const error = toApiError(caught);
    if (error.code === 'NETWORK') throw error;
    return !new RegExp(`Cannot query field "${field}"`).test(error.detail);
  }
}

export type CapabilityState =
  | { status: 'loading' }
  | { status: 'ready'; capabilities: Capabilities; introspected: boolean }
  | { status: 'error'; message: string };

/** Reads which fields the API offers. Falls back to probing `fields` when introspection is off. */
export function useCapabilities(probe: { queries?: string[]; mutations?: string[] }): CapabilityState {
  const [state, setState] = useState<CapabilityState>({ status: 'loading' });
  const key = JSON.stringify(probe);
  useEffect(() => {
    let cancelled = false;
    const { queries = [], mutations = [] } = JSON.parse(key) as typeof probe;
    introspect()
      .then((capabilities) => ({ capabilities, introspected: true }))
      .catch(async (caught: unknown) => {
        if (toApiError(caught).code === 'NETWORK') throw caught;
        const capabilities: Capabilities = { queries: new Set(), mutations: new Map() };
        for (const q of queries) if (await probeField('query', q)) capabilities.queries.add(q);
        for (const m of mutations) if (await probeField('mutation', m)) capabilities.mutations.set(m, { args: [], returns: null });
        return { capabilities, introspected: false };
      })
      .then((result) => !cancelled && setState({ status: 'ready', ...result }))
      .catch((caught: unknown) => !cancelled && setState({ status: 'error', message: toApiError(caught).message }));
    return () => {
      cancelled = true;
    };
  }, [key]);
  return state;
}
