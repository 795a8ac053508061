import { router } from './trpc.js';
import { uploadsRouter } from './uploads/index.js';
import { videosRouter } from './videos/status.js';

/** The whole API. Clients import only `type AppRouter` from here, never the code. */
export const appRouter = router({
  uploads: uploadsRouter,
  videos: videosRouter,
});

export type AppRouter = typeof appRouter;
