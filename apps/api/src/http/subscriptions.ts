import type { Server } from 'node:http';
import { GraphQLError, getOperationAST, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import type { Services } from '../services/services.js';
import { requestLoaders, type ApiContext } from '../schema/context.js';
import { formatGraphQLError } from '../errors/error-code.util.js';
import { requestAuthenticator } from './authenticate-request.js';
import { upgradeBaseUrl } from './base-url.util.js';
import { depthLimitRule } from './depth-limit.rule.js';

/** A websocket message larger than this closes the connection (a subscription is a short query). */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** At shutdown, clients get this long to answer the close frame before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

export interface SubscriptionServer {
  /** Closes every websocket (1001 going away; cut after a short grace) and stops accepting new ones. */
  close(): Promise<void>;
}

export interface SubscriptionOptions {
  localAdminToken?: string;
}

/**
 * GraphQL subscriptions over graphql-ws (the `graphql-transport-ws` protocol) on the HTTP server's
 * /graphql path. Only subscription operations are served here: queries and mutations go over HTTP,
 * where the complexity, input-bound and upload limits apply. The API key travels in the
 * connection's `connectionParams` under the HTTP header's name (`{ "Authorization": "Bearer <key>" }`)
 * and is checked for each subscription, as HTTP checks it for each request. A browser may connect
 * from any origin: there are no cookies to ride on, and `jobUpdated` needs the job's id, which is
 * unguessable.
 */
export function createSubscriptionServer(server: Server, schema: GraphQLSchema, services: Services, logger: Logger, opts: SubscriptionOptions = {}): SubscriptionServer {
  const { limits, exposeStackTraces } = services.config;
  const authenticate = requestAuthenticator(services.auth, opts.localAdminToken);
  const rules = [...specifiedRules, depthLimitRule(limits.maxQueryDepth)];
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: MAX_MESSAGE_BYTES });
  const format = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) =>
      formatGraphQLError(e.toJSON(), e, {
        exposeStackTraces,
        logUnexpected: (err) => logger.error({ err }, 'unexpected error in a GraphQL subscription'),
        logDatabaseBusy: (err) => logger.warn({ err }, 'the database gave up on time in a GraphQL subscription (statement timeout, lock or pool wait)'),
      }),
    );
  const disposable = useServer(
    {
      schema,
      isProd: !exposeStackTraces,
      onSubscribe: async (ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [codedError((err as Error).message, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length) return invalid.map((e) => codedError(e.message, 'GRAPHQL_VALIDATION_FAILED'));
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [codedError('only subscriptions are served over the websocket: send queries and mutations to POST /graphql', 'BAD_REQUEST')];
        }
        const request = ctx.extra.request;
        const key = connectionKey(ctx.connectionParams) ?? request.headers.authorization;
        const principal = await authenticate({ headers: { ...request.headers, authorization: key }, socket: request.socket });
        const contextValue: ApiContext = { services, principal, readsRequireKey: services.config.readsRequireKey, baseUrl: upgradeBaseUrl(request), loaders: requestLoaders(services) };
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return undefined;
        // errors without a path are the request's own (variables that do not coerce): the client's to fix
        const errors = result.errors.map((e) => (e.path || e.originalError ? e : codedError(e.message, 'BAD_USER_INPUT')));
        return { ...result, errors: format(errors) };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );
  return {
    async close() {
      for (const client of wss.clients) client.close(1001, 'the server is shutting down');
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      for (const client of wss.clients) client.terminate();
      await disposable.dispose();
    },
  };
}

/** The Authorization value a client sent in connectionParams (any letter case of the header's name). */
function connectionKey(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const entry = Object.entries(params ?? {}).find(([name]) => name.toLowerCase() === 'authorization');
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

function codedError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
