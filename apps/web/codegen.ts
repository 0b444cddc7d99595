// GraphQL Code Generator: TypeScript types for every fragment and operation in lib/operations.ts
// (their results and variables, and the schema's enums and input types they use), read from the
// API's SDL. Writes lib/generated/graphql.ts: git-ignored, and rewritten only when its content
// changes (so an unchanged schema does not make scripts/start.mjs rebuild the app).
// Runs as `npm run -w @muse/web codegen`, and before `npm run typecheck`, `build`, `dev` and `start`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../api/schema.graphql',
  documents: ['lib/operations.ts'],
  generates: {
    'lib/generated/graphql.ts': {
      plugins: [
        { add: { content: '// Generated from apps/api/schema.graphql and lib/operations.ts by codegen.ts. Do not edit.' } },
        'typescript-operations',
      ],
      config: {
        scalars: {
          DateTimeISO: 'string',
          JSON: 'unknown',
          // an upload is null in the variables; the file travels beside them (lib/graphql.ts)
          Upload: { input: 'null', output: 'never' },
        },
      },
    },
  },
  // quiet when it works (it runs before every typecheck, build and start); the reason when it fails
  silent: true,
  hooks: { onError: (message: string) => console.error(`[web] graphql-codegen failed: ${message}`) },
};

export default config;
