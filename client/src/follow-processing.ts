import type { VideoStatusOutput } from '@hoist/shared';
import type { ApiClient } from './api-client.js';
import { isRetryableApiError, sleep } from './retry.js';

export interface FollowProcessingOptions {
  /** Stop at `playable` (the start plays while the rest is encoded) or go on to `ready`. Default `ready`. */
  until?: 'playable' | 'ready';
  /** Every status polled. */
  onStatus?: (status: VideoStatusOutput) => void;
  /**
   * Once, the first time the video reports `playable` with a playback URL: its start plays while
   * the rest is encoded. A video found `ready` at once never calls it.
   */
  onPlayable?: (status: VideoStatusOutput) => void;
  /** Polls are failing (`lost`) or answering again (`restored`). */
  onConnection?: (state: 'lost' | 'restored') => void;
  /** Between polls. Default 1 s. */
  intervalMs?: number;
  /** Longest wait between polls that get no answer (the wait doubles up to it). Default 15 s. */
  maxIntervalMs?: number;
  /** Stops following: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Follows a video's processing through `videos.status` until it is `ready` or `failed` (or
 * `playable`, with `until: 'playable'`), and resolves with that status; a failed video resolves
 * too, with its reason in `error`. A poll that got no answer or a server error is asked again
 * after a longer wait (the video may be processing fine); a refusal, such as an expired token,
 * rejects. The CLI's `--wait`, the demo page and the Uppy adapter all follow a video this way.
 */
export async function followProcessing(api: ApiClient, videoId: string, options: FollowProcessingOptions = {}): Promise<VideoStatusOutput> {
  const interval = options.intervalMs ?? 1000;
  const maxInterval = options.maxIntervalMs ?? 15_000;
  let delay = interval;
  let lost = false;
  let playable = false;
  for (;;) {
    options.signal?.throwIfAborted();
    let status: VideoStatusOutput;
    try {
      status = await api.videos.status.query({ videoId }, options.signal ? { signal: options.signal } : undefined);
    } catch (error) {
      options.signal?.throwIfAborted();
      if (!isRetryableApiError(error)) throw error;
      if (!lost) options.onConnection?.('lost');
      lost = true;
      await sleep(delay, options.signal);
      delay = Math.min(maxInterval, delay * 2);
      continue;
    }
    if (lost) options.onConnection?.('restored');
    lost = false;
    delay = interval;
    options.onStatus?.(status);
    if (status.state === 'playable' && status.masterUrl && !playable) {
      playable = true;
      options.onPlayable?.(status);
    }
    if (status.state === 'ready' || status.state === 'failed') return status;
    if (playable && options.until === 'playable') return status;
    await sleep(interval, options.signal);
  }
}
