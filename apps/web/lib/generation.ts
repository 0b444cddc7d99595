// Builds a generation request from what the API's schema says about a generator mutation,
// so the Generate page follows the engines' options without hard-coding them.
import { isList, isRequired, namedType, typeToString, type ArgSpec, type InputField, type MutationSpec } from './capabilities';
import { ASSET_FIELDS, JOB_FIELDS } from './operations';

export interface FormField {
  /** dotted path into the variables, e.g. "options.steps" */
  path: string;
  spec: InputField;
}

export function isUpload(arg: ArgSpec): boolean {
  return namedType(arg.type).name === 'Upload';
}

export function label(name: string): string {
  return name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

/** A form value as the argument's GraphQL type wants it; undefined when left empty. */
export function coerce(field: InputField, raw: string | boolean): unknown {
  const name = namedType(field.type).name;
  if (typeof raw === 'boolean') return raw;
  if (raw.trim() === '') return undefined;
  if (name === 'Int') return Number.parseInt(raw, 10);
  if (name === 'Float') return Number.parseFloat(raw);
  if (isList(field.type)) return raw.split(',').map((s) => s.trim()).filter(Boolean);
  return raw;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = (target[head] ??= {}) as Record<string, unknown>;
  setPath(child, rest.join('.'), value);
}

export type GenerateRequest =
  | { ok: true; query: string; variables: Record<string, unknown>; uploadPath: string | null }
  | { ok: false; missing: string[] };

/**
 * The mutation document and variables for `mutation` with the form's values. Only arguments
 * with a value are sent, so the server's defaults apply to the rest.
 */
export function buildGenerateRequest(
  mutation: string,
  spec: MutationSpec,
  fields: FormField[],
  values: Record<string, string | boolean>,
  hasFile: boolean,
): GenerateRequest {
  const uploadArg = spec.args.find(isUpload);
  const variables: Record<string, unknown> = uploadArg && hasFile ? { [uploadArg.name]: null } : {};
  for (const field of fields) {
    const raw = values[field.path];
    if (raw === undefined) continue;
    const value = coerce(field.spec, raw);
    if (value !== undefined) setPath(variables, field.path, value);
  }
  const missing = spec.args.filter((a) => isRequired(a.type) && a.defaultValue == null && !(a.name in variables));
  if (missing.length) return { ok: false, missing: missing.map((a) => label(a.name)) };
  const used = spec.args.filter((a) => a.name in variables);
  const declared = used.map((a) => `$${a.name}: ${typeToString(a.type)}`).join(', ');
  const passed = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = spec.returns === 'Job' ? '{ ...JobFields }' : '{ ...AssetFields }';
  const query =
    `mutation Generate${declared ? `(${declared})` : ''} { ${mutation}${passed ? `(${passed})` : ''} ${selection} }` +
    (spec.returns === 'Job' ? JOB_FIELDS : spec.returns === 'Asset' ? ASSET_FIELDS : '');
  return { ok: true, query, variables, uploadPath: uploadArg && hasFile ? `variables.${uploadArg.name}` : null };
}

/** Asset ids a generation job's result names, whatever shape the engine reports it in. */
export function resultAssetIds(result: unknown): { main: string[]; midi: string | null } {
  if (!result || typeof result !== 'object') return { main: [], midi: null };
  const r = result as Record<string, unknown>;
  const ids: string[] = [];
  for (const key of ['assetId', 'imageAssetId', 'audioAssetId']) if (typeof r[key] === 'string') ids.push(r[key] as string);
  if (Array.isArray(r.assetIds)) ids.push(...r.assetIds.filter((x): x is string => typeof x === 'string'));
  if (r.asset && typeof r.asset === 'object' && typeof (r.asset as { id?: unknown }).id === 'string') ids.push((r.asset as { id: string }).id);
  const midi = typeof r.midiAssetId === 'string' ? r.midiAssetId : typeof r.midiUrl === 'string' ? r.midiUrl : null;
  return { main: [...new Set(ids)], midi };
}
