import { ApiError, codeForStatus } from './errors';
import { readApiKey } from './apiKey';

export const GRAPHQL_PATH = '/graphql';

export interface Upload {
  /** Dotted path of the variable the file fills, e.g. "variables.image" or "variables.files.2". */
  path: string;
  file: Blob;
  name?: string;
}

export interface RequestOptions {
  uploads?: Upload[];
  signal?: AbortSignal;
  /** Called with 0..1 while an upload's bytes are sent. */
  onUploadProgress?: (fraction: number) => void;
}

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

function headers(): Record<string, string> {
  // Apollo's CSRF prevention only lets through requests that a browser would preflight.
  const result: Record<string, string> = { 'apollo-require-preflight': 'true' };
  const key = readApiKey();
  if (key) result.authorization = `Bearer ${key}`;
  return result;
}

export function readBody<T>(status: number, text: string): T {
  let body: GraphQLResponse<T> | undefined;
  try {
    body = JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    // The API answers GraphQL in JSON even when it fails; a bare 5xx comes from the proxy in
    // front of it, which means the API could not be reached.
    const code = status >= 500 ? 'NETWORK' : codeForStatus(status);
    throw new ApiError(code, text.slice(0, 300) || `HTTP ${status}`);
  }
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.extensions?.code ?? codeForStatus(status), first.message);
  if (status >= 400 || body.data == null) throw new ApiError(codeForStatus(status), `HTTP ${status}`);
  return body.data;
}

/** Encodes a request per the GraphQL multipart request spec (operations, map, then the files). */
export function multipartBody(query: string, variables: Record<string, unknown>, uploads: Upload[]): FormData {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables }));
  const map: Record<string, string[]> = {};
  uploads.forEach((upload, i) => (map[String(i)] = [upload.path]));
  form.append('map', JSON.stringify(map));
  uploads.forEach((upload, i) => {
    const name = upload.name ?? (upload.file instanceof File ? upload.file.name : 'upload');
    form.append(String(i), upload.file, name);
  });
  return form;
}

function sendWithProgress<T>(form: FormData, options: RequestOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', GRAPHQL_PATH);
    for (const [name, value] of Object.entries(headers())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onUploadProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      try {
        resolve(readBody<T>(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    };
    xhr.onerror = () => reject(new ApiError('NETWORK', 'The connection to the API failed.'));
    xhr.onabort = () => reject(new ApiError('ABORTED', 'Cancelled.'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

export async function graphql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<T> {
  if (options.uploads?.length) {
    return sendWithProgress<T>(multipartBody(query, variables, options.uploads), options);
  }
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw new ApiError('ABORTED', 'Cancelled.');
    throw new ApiError('NETWORK', error instanceof Error ? error.message : String(error));
  }
  return readBody<T>(response.status, await response.text());
}
