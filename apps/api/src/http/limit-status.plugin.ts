import type { ApolloServerPlugin } from '@apollo/server';

/**
 * One HTTP status for every limit refusal: an operation refused only because its media is over a limit
 * (bytes, pixels, seconds: PAYLOAD_TOO_LARGE, found while resolving) answers 413, as the multipart
 * parser's byte and file-count refusals already do. A response that carries data, or another error
 * too, keeps Apollo's status.
 */
export function limitStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data != null || !errors?.length) return;
          if (errors.every((e) => e.extensions?.code === 'PAYLOAD_TOO_LARGE')) response.http.status = 413;
        },
      };
    },
  };
}
