import type { VideoStatusOutput } from '@hoist/shared';
import type { Uppy } from '@uppy/core';
import type { Body, Meta, UppyFile } from '@uppy/core/utils';
import type { ApiClient } from '../api-client.js';
import { followProcessing } from '../follow-processing.js';

declare module '@uppy/core' {
  // The events the adapter adds with its `followProcessing` option, typed on `uppy.on`.
  interface UppyEventMap<M extends Meta, B extends Body> {
    /** The video plays from its start (`status.masterUrl`), while the rest may still be encoded. */
    'hoist:playable': (file: UppyFile<M, B>, status: VideoStatusOutput) => void;
    /** The whole ladder is published (only with `followProcessing: 'ready'`). */
    'hoist:ready': (file: UppyFile<M, B>, status: VideoStatusOutput) => void;
    /** The fleet could not process the video (`reason` says why), or following it was refused. */
    'hoist:processing-failed': (file: UppyFile<M, B>, reason: string, status?: VideoStatusOutput) => void;
  }
}

/** How far the adapter follows each uploaded video's processing. */
export type FollowUntil = 'playable' | 'ready';

/**
 * After each upload succeeds, follows its video's processing (followProcessing, as the CLI's
 * `--wait` does) and tells the page through Uppy's own events: `hoist:playable` once the start
 * plays (also for a video that is ready at once), then `hoist:ready`, or
 * `hoist:processing-failed`. Removing the file or cancelling all stops following it.
 */
export function emitProcessingEvents<M extends Meta, B extends Body>(uppy: Uppy<M, B>, api: ApiClient, until: FollowUntil): void {
  const following = new Map<string, AbortController>();
  const stop = (fileId: string) => {
    following.get(fileId)?.abort(new Error('no longer followed'));
    following.delete(fileId);
  };
  uppy.on('upload-success', (file, response) => {
    const videoId = (response.body as { key?: unknown } | undefined)?.key;
    if (!file || typeof videoId !== 'string') return;
    stop(file.id);
    const controller = new AbortController();
    following.set(file.id, controller);
    let playableSaid = false;
    const playable = (status: VideoStatusOutput) => {
      if (playableSaid) return;
      playableSaid = true;
      uppy.emit('hoist:playable', file, status);
    };
    followProcessing(api, videoId, { until, signal: controller.signal, onPlayable: playable }).then(
      (status) => {
        if (controller.signal.aborted) return;
        following.delete(file.id);
        if (status.state === 'failed') return uppy.emit('hoist:processing-failed', file, status.error ?? 'the video could not be processed', status);
        playable(status);
        if (status.state === 'ready' && until === 'ready') uppy.emit('hoist:ready', file, status);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        following.delete(file.id);
        uppy.emit('hoist:processing-failed', file, `could not follow the video's processing: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });
  uppy.on('file-removed', (file) => stop(file.id));
  uppy.on('cancel-all', () => {
    for (const fileId of [...following.keys()]) stop(fileId);
  });
}
