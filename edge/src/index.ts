import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { trpcServer } from '@hono/trpc-server';
import type { EdgeBindings } from './config.js';
import { EdgeConfigError } from './config.js';
import { playbackRoute } from './playback/playback-route.js';
import { appRouter } from './router.js';
import { edgeServices } from './services.js';
import type { EdgeContext } from './trpc.js';

export type { AppRouter } from './router.js';

const app = new Hono<{ Bindings: EdgeBindings }>();

// Browsers call the API cross-origin; the bearer token, not cookies, carries identity.
app.use('/trpc/*', async (c, next) => {
  const origins = edgeServices(c.env).config.CORS_ORIGINS;
  return cors({
    origin: origins.includes('*') ? '*' : origins,
    allowHeaders: ['authorization', 'content-type'],
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    maxAge: 600,
  })(c, next);
});

app.get('/healthz', (c) => c.json({ ok: true }));

app.route('/', playbackRoute);

app.use(
  '/trpc/*',
  trpcServer({
    router: appRouter,
    endpoint: '/trpc',
    createContext: (_options, c): EdgeContext => ({
      ...edgeServices(c.env),
      origin: new URL(c.req.url).origin,
      authorization: c.req.header('authorization'),
      now: () => new Date(),
    }),
  }),
);

app.onError((error, c) => {
  // Configuration problems name the variable; anything else stays on the server.
  const message = error instanceof EdgeConfigError ? error.message : 'internal error';
  console.error(error);
  return c.json({ error: message }, 500);
});

export default app;
