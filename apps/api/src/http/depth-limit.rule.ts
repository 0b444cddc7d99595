import depthLimit from 'graphql-depth-limit';
import { Kind, type DocumentNode, type ValidationContext, type ASTVisitor } from 'graphql';

/** Whether fragments spread each other in a cycle (graphql's NoFragmentCyclesRule reports it). */
function hasFragmentCycle(document: DocumentNode): boolean {
  const spreads = new Map<string, string[]>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const names: string[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if ((node as { kind?: string }).kind === Kind.FRAGMENT_SPREAD) names.push((node as { name: { value: string } }).name.value);
      for (const [key, value] of Object.entries(node)) if (key !== 'loc' && value && typeof value === 'object') walk(value);
    };
    walk(def.selectionSet);
    spreads.set(def.name.value, names);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const cyclic = (name: string): boolean => {
    if (state.get(name) === 'visiting') return true;
    if (state.get(name) === 'done' || !spreads.has(name)) return false;
    state.set(name, 'visiting');
    const found = spreads.get(name)!.some(cyclic);
    state.set(name, 'done');
    return found;
  };
  return [...spreads.keys()].some(cyclic);
}

/**
 * graphql-depth-limit follows fragment spreads recursively and overflows the stack on a cycle
 * (a 500): skip it then, and let graphql's own NoFragmentCyclesRule refuse the document.
 */
export function depthLimitRule(maxDepth: number) {
  const limit = depthLimit(maxDepth);
  return (context: ValidationContext): ASTVisitor => (hasFragmentCycle(context.getDocument()) ? {} : limit(context));
}
