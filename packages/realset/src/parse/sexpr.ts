// The S-expression (Lisp) files SuperTux (.stl, .music) and Pingus (.pingus) keep their levels in.
// Only what the mapping readers need: lists, strings, bare atoms; `(_ "text")` is a translation
// marker and reads as its string.

export type SExpr = string | number | boolean | SExpr[];

export class SExprError extends Error {}

function isDelimiter(c: string): boolean {
  return c === '(' || c === ')' || c === '"' || c === ';' || /\s/.test(c);
}

/** Every top-level expression of the text. */
export function parseSExprs(text: string): SExpr[] {
  let i = 0;
  const stack: SExpr[][] = [[]];
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === ';') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '(') { stack.push([]); i++; continue; }
    if (c === ')') {
      if (stack.length < 2) throw new SExprError(`unbalanced ')' at offset ${i}`);
      const list = stack.pop()!;
      stack[stack.length - 1].push(list[0] === '_' && list.length === 2 ? list[1] : list);
      i++;
      continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) { s += text[i + 1]; i += 2; continue; }
        s += text[i++];
      }
      if (i >= text.length) throw new SExprError('unterminated string');
      i++;
      stack[stack.length - 1].push(s);
      continue;
    }
    let atom = '';
    while (i < text.length && !isDelimiter(text[i])) atom += text[i++];
    stack[stack.length - 1].push(atomValue(atom));
  }
  if (stack.length !== 1) throw new SExprError(`${stack.length - 1} unclosed '('`);
  return stack[0];
}

function atomValue(atom: string): SExpr {
  if (atom === '#t') return true;
  if (atom === '#f') return false;
  const n = Number(atom);
  return atom !== '' && Number.isFinite(n) ? n : atom;
}

/** `(name ...)` lists directly inside `list`. */
export function children(list: SExpr, name: string): SExpr[][] {
  if (!Array.isArray(list)) return [];
  return list.filter((x): x is SExpr[] => Array.isArray(x) && x[0] === name);
}

export function child(list: SExpr, name: string): SExpr[] | undefined {
  return children(list, name)[0];
}

/** The string value of `(name "value")` inside `list`. */
export function stringField(list: SExpr, name: string): string | undefined {
  const c = child(list, name);
  return c && typeof c[1] === 'string' ? c[1] : undefined;
}

/** Every `(name ...)` list at any depth below `list`, in document order. */
export function descendants(list: SExpr, name: string): SExpr[][] {
  const out: SExpr[][] = [];
  const walk = (x: SExpr): void => {
    if (!Array.isArray(x)) return;
    if (x[0] === name) out.push(x);
    for (const y of x.slice(1)) walk(y);
  };
  if (Array.isArray(list)) for (const y of list) walk(y);
  return out;
}
