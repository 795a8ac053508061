import { router } from '../trpc.js';
import { abortUpload } from './abort.js';
import { completeUpload } from './complete.js';
import { createUpload } from './create.js';
import { listParts } from './list-parts.js';
import { uploadPolicy } from './policy.js';
import { signParts } from './sign-parts.js';

export const uploadsRouter = router({
  create: createUpload,
  signParts,
  listParts,
  complete: completeUpload,
  abort: abortUpload,
  policy: uploadPolicy,
});
