import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { trpcServer } from '@hono/trpc-server';
import { readEdgeConfig, type EdgeBindings } from './config.js';
import { S3Bucket } from './s3/s3-bucket.js';
import { appRouter } from './router.js';
import type { EdgeContext } from './trpc.js';

export type { AppRouter } from './router.js';

const app = new Hono<{ Bindings: EdgeBindings }>();

// Browsers call the API cross-origin; the bearer token, not cookies, carries identity.
app.use('/trpc/*', cors({ origin: '*', allowHeaders: ['authorization', 'content-type'], maxAge: 600 }));

app.get('/healthz', (c) => c.json({ ok: true }));

app.use(
  '/trpc/*',
  trpcServer({
    router: appRouter,
    endpoint: '/trpc',
    createContext: (_options, c): EdgeContext => {
      const config = readEdgeConfig(c.env);
      return {
        config,
        bucket: new S3Bucket({
          bucketUrl: config.S3_BUCKET_URL,
          region: config.S3_REGION,
          accessKeyId: config.S3_ACCESS_KEY_ID,
          secretAccessKey: config.S3_SECRET_ACCESS_KEY,
        }),
        authorization: c.req.header('authorization'),
        now: () => new Date(),
      };
    },
  }),
);

app.onError((error, c) => c.json({ error: error.message }, 500));

export default app;
