// What the generateMusic and generateImage tests do alike: start a generation job (uploads as multipart, else
// JSON), follow it by polling, read the assets it made, and snapshot rows and media files to prove that a refused or
// cancelled request left nothing behind.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gql, gqlUpload, type TestApi, type UploadFile } from './harness.js';

export const JOB_FIELDS = 'id type status progress message preview error result attempts';
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface GenerationClientOptions {
  server: TestApi & { dataDir: string };
  /** the mutation's field (generateMusic, generateImage) and its input type */
  mutation: string;
  inputType: string;
  /** the asset query the tests read results with */
  assetQuery: string;
  /** the key that asks when a call names none (set by the test file's setup) */
  defaultKey: () => string;
}

export function generationClient({ server, mutation, inputType, assetQuery, defaultKey }: GenerationClientOptions) {
  const document = `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${JOB_FIELDS} } }`;

  /** the mutation with uploads at input.<name> (multipart) or none (JSON) */
  async function generate(input: Record<string, unknown>, files: Record<string, UploadFile> = {}, key = defaultKey()) {
    const uploads = Object.fromEntries(Object.entries(files).map(([name, file]) => [`variables.input.${name}`, file]));
    const variables = { input: { ...input, ...Object.fromEntries(Object.keys(files).map((name) => [name, null])) } };
    return Object.keys(files).length ? gqlUpload(server.url, document, variables, uploads, { key }) : gql(server.url, document, variables, { key });
  }

  async function started(input: Record<string, unknown>, files: Record<string, UploadFile> = {}, key = defaultKey()) {
    const r = await generate(input, files, key);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data[mutation];
  }

  async function waitForJob(id: string, until: (job: any) => boolean = (job) => TERMINAL.has(job.status), timeoutMs = 120_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await gql(server.url, `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id });
      const job = r.data?.job;
      if (job && until(job)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} did not get there: ${JSON.stringify(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** the job's result asset ids, once it SUCCEEDED (asserted) */
  async function succeeded(id: string): Promise<string[]> {
    const job = await waitForJob(id);
    assert.equal(job.status, 'SUCCEEDED', JSON.stringify(job));
    assert.equal(job.progress, 1);
    return job.result.assetIds;
  }

  async function assetOf(id: string): Promise<any> {
    const r = await gql(server.url, assetQuery, { id });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data.asset;
  }

  /** rows and media files, to compare before and after */
  async function snapshot() {
    const prisma = server.api.core.db.prisma;
    const mediaDir = join(server.dataDir, 'media');
    const files = existsSync(mediaDir) ? readdirSync(mediaDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort() : [];
    return { assets: await prisma.asset.count(), generations: await prisma.generation.count(), jobs: await prisma.job.count(), files };
  }

  return { document, generate, started, waitForJob, succeeded, assetOf, snapshot, TERMINAL };
}

export async function download(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return new Uint8Array(await res.arrayBuffer());
}
