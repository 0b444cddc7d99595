import depthLimit from 'graphql-depth-limit';
import { Kind, visit, type DocumentNode, type ValidationContext, type ASTVisitor } from 'graphql';

/** Whether fragments spread each other in a cycle (graphql's NoFragmentCyclesRule reports it). */
function hasFragmentCycle(document: DocumentNode): boolean {
  const spreads = new Map<string, string[]>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const names: string[] = [];
    visit(def.selectionSet, { FragmentSpread: (node) => void names.push(node.name.value) });
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
