import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '@hoist/edge/router';

export interface ApiClientOptions {
  /** Base URL of the edge, e.g. `http://127.0.0.1:8787`. */
  endpoint: string;
  /** Bearer JWT; a function is called per request, so a refreshed token is picked up. */
  token: string | (() => string | Promise<string>);
  /** Fetch to use; defaults to the global one. */
  fetch?: typeof fetch;
}

/** The typed tRPC client for Hoist's edge API. */
export function createApiClient(options: ApiClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.endpoint.replace(/\/+$/, '')}/trpc`,
        headers: async () => ({
          authorization: `Bearer ${typeof options.token === 'function' ? await options.token() : options.token}`,
        }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
