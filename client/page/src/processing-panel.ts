import { followProcessing, type ApiClient } from '@hoist/client';
import type { VideoState, VideoStatusOutput } from '@hoist/shared';
import { byId, setText } from './dom.js';

const POLL_MS = 1000;
const MAX_POLL_MS = 15_000;

function stateText(state: VideoState, progress: number): string {
  const percent = `${Math.floor(progress * 100)}%`;
  switch (state) {
    case 'queued':
      return 'Waiting for a transcoder to pick the video up…';
    case 'probing':
      return 'Reading the video…';
    case 'transcoding':
      return `Making the renditions: ${percent}`;
    case 'playable':
      return `Playable from the start; making the rest: ${percent}`;
    case 'publishing':
      return `Publishing the renditions: ${percent}`;
    case 'ready':
      return 'Ready to watch.';
    case 'failed':
      return 'Processing failed.';
  }
}

export interface ProcessingEvents {
  /** Polls are failing (`lost`) or answering again (`restored`). */
  onConnection(state: 'lost' | 'restored'): void;
}

/**
 * Step 3: follows `videos.status` until the video is `ready` (resolves with its status) or
 * `failed` (rejects with the fleet's reason). The first time it is `playable` (its start is
 * published while the rest is encoded), `onPlayable` gets that status, so playback can begin.
 * Polls that get no answer are asked again (followProcessing); an expired session ends it.
 */
export class ProcessingPanel {
  readonly #section = byId('processing-section', HTMLElement);
  readonly #bar = byId('processing-progress', HTMLProgressElement);
  readonly #state = byId('processing-state', HTMLParagraphElement);
  readonly #videoId = byId('video-id', HTMLElement);

  constructor(
    private readonly api: ApiClient,
    private readonly events: ProcessingEvents,
  ) {}

  async follow(videoId: string, onPlayable?: (status: VideoStatusOutput) => void): Promise<VideoStatusOutput> {
    this.#section.hidden = false;
    this.#videoId.textContent = videoId;
    this.#show('queued', 0);
    const status = await followProcessing(this.api, videoId, {
      intervalMs: POLL_MS,
      maxIntervalMs: MAX_POLL_MS,
      onStatus: (polled) => this.#show(polled.state, polled.progress),
      onConnection: (state) => this.events.onConnection(state),
      ...(onPlayable ? { onPlayable } : {}),
    });
    if (status.state === 'failed') throw new Error(status.error ?? 'the video could not be processed');
    return status;
  }

  #show(state: VideoState, progress: number): void {
    const value = state === 'ready' ? 1 : progress;
    this.#bar.value = value;
    this.#bar.setAttribute('aria-valuetext', `${state}, ${Math.floor(value * 100)}%`);
    setText(this.#state, stateText(state, progress), state === 'ready' ? 'ok' : undefined);
  }
}
