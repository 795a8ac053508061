import { createApiClient, type ApiClient } from '@hoist/client';
import type { UploadPolicyOutput } from '@hoist/shared';
import { byId, setText } from './dom.js';
import { describeFailure } from './failure-message.js';
import { describeAllowedTypes, policyProblem } from './file-policy.js';
import { formatBytes } from './format.js';
import { PageUpload } from './page-upload.js';
import { PlayerPanel } from './player-panel.js';
import { ProcessingPanel } from './processing-panel.js';
import { takeSessionToken } from './session-token.js';
import { UploadPanel } from './upload-panel.js';

// The upload page: pick or drop a video, upload it straight to S3 with progress, pause, resume
// and cancel, then follow processing and play the result.

const alertBox = byId('alert', HTMLDivElement);
const statusLine = byId('status', HTMLParagraphElement);
const fileInput = byId('file-input', HTMLInputElement);
const dropzone = byId('dropzone', HTMLDivElement);
const policyHint = byId('policy-hint', HTMLParagraphElement);
const pickSection = byId('pick-section', HTMLElement);
const uploadPanel = new UploadPanel();
const player = new PlayerPanel((message) => showAlert(message));

let policy: UploadPolicyOutput | undefined;
let current: PageUpload | undefined;

function showAlert(message: string): void {
  alertBox.textContent = message;
  alertBox.hidden = false;
}

function clearAlert(): void {
  alertBox.hidden = true;
  alertBox.textContent = '';
}

function say(text: string, tone?: 'ok' | 'warning'): void {
  setText(statusLine, text, tone);
}

/** Step 1 is put away while a file is on its way, and comes back when another may be picked. */
function allowPicking(allowed: boolean): void {
  fileInput.disabled = !allowed;
  pickSection.hidden = !allowed;
  if (allowed) fileInput.value = '';
  if (allowed && pickSection.contains(document.activeElement) === false) fileInput.focus();
}

async function loadPolicy(api: ApiClient): Promise<void> {
  try {
    policy = await api.uploads.policy.query();
    policyHint.textContent = `Accepted: ${describeAllowedTypes(policy.allowedContentTypes)}, up to ${formatBytes(policy.maxUploadBytes)}.`;
    fileInput.accept = policy.allowedContentTypes.join(',');
  } catch (error) {
    const failure = describeFailure(error);
    // Without the policy the server still checks each file when the upload starts.
    if (failure.kind === 'session') showAlert(failure.message);
    else say('The upload rules could not be loaded; files are checked when the upload starts.', 'warning');
  }
}

async function uploadAndWatch(api: ApiClient, token: string, file: File): Promise<void> {
  clearAlert();
  const problem = policy ? policyProblem(file, policy) : null;
  if (problem) {
    showAlert(problem);
    allowPicking(true);
    return;
  }
  allowPicking(false);
  uploadPanel.show(file);
  say(`Uploading ${file.name}…`);
  const upload = new PageUpload(file, {
    endpoint: location.origin,
    token,
    onProgress: (progress) => uploadPanel.progress(progress, upload.paused),
    onConnection: (state, detail) => {
      if (state === 'lost') {
        say('Connection lost, retrying…', 'warning');
        uploadPanel.setNote(detail, 'warning');
        uploadPanel.waiting();
      } else {
        say(`Connection is back. Uploading ${file.name}…`);
        uploadPanel.setNote('');
      }
    },
    onResumed: (stored, partCount) => {
      if (stored > 0) uploadPanel.setNote(`Resumed: ${stored} of ${partCount} parts were already uploaded.`);
    },
    onPausedChange: (paused) => {
      uploadPanel.setControls(paused ? 'paused' : 'running');
      say(paused ? 'Upload paused. Press Resume to carry on.' : `Uploading ${file.name}…`);
    },
  });
  current = upload;

  let videoId: string;
  try {
    videoId = (await upload.done).videoId;
  } catch (error) {
    const failure = describeFailure(error);
    uploadPanel.setControls('finished');
    allowPicking(true);
    if (failure.kind === 'cancelled') {
      uploadPanel.cancelled();
      say('Upload cancelled. Nothing was kept; choose a file to start again.');
    } else {
      if (failure.kind === 'session' || failure.kind === 'rejected') uploadPanel.hide();
      say('');
      showAlert(failure.kind === 'other' ? `The upload failed: ${failure.message}` : failure.message);
    }
    return;
  } finally {
    current = undefined;
  }
  uploadPanel.setControls('finished');
  uploadPanel.setNote('');
  say('Upload complete. Processing the video…', 'ok');

  const processing = new ProcessingPanel(api, {
    onConnection: (state) => say(state === 'lost' ? 'Connection lost, retrying…' : 'Connection is back. Processing the video…', state === 'lost' ? 'warning' : undefined),
  });
  // Playback starts as soon as the video's start is published, and goes on as the rest lands.
  let playing: Promise<void> | undefined;
  try {
    const status = await processing.follow(videoId, (playable) => {
      say('Your video is playable from the start; the rest is still being processed…', 'ok');
      playing = player.play(playable);
    });
    say('Your video is ready.', 'ok');
    if (playing) {
      await playing;
      player.finished(status);
    } else {
      await player.play(status);
    }
  } catch (error) {
    const failure = describeFailure(error);
    say('');
    showAlert(failure.kind === 'session' ? failure.message : `Processing failed: ${failure.message}`);
    // The stored upload is done with either way: the picker comes back for the next file.
    allowPicking(true);
  }
}

function start(): void {
  const token = takeSessionToken();
  if (!token) {
    showAlert('This page needs a link with an access token. Run `npm start` and open the link it prints.');
    allowPicking(false);
    return;
  }
  const api = createApiClient({ endpoint: location.origin, token });
  void loadPolicy(api);

  // Only while step 1 is offered: a file dropped during an upload or its processing would start
  // a second flow that the first one's messages and player then talk over.
  const pick = (file: File | undefined) => {
    if (!file || fileInput.disabled) return;
    void uploadAndWatch(api, token, file);
  };
  fileInput.addEventListener('change', () => pick(fileInput.files?.[0]));
  uploadPanel.pauseButton.addEventListener('click', () => (current?.paused ? current.resume() : current?.pause()));
  uploadPanel.cancelButton.addEventListener('click', () => {
    uploadPanel.cancelButton.disabled = true;
    say('Cancelling…');
    void current?.cancel().finally(() => (uploadPanel.cancelButton.disabled = false));
  });

  // Dropping works anywhere on the page; the drop zone lights up while a file is over it.
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = fileInput.disabled ? 'none' : 'copy';
    dropzone.classList.toggle('dragging', !fileInput.disabled);
  });
  document.addEventListener('dragleave', (event) => {
    if (event.relatedTarget === null) dropzone.classList.remove('dragging');
  });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    dropzone.classList.remove('dragging');
    pick(event.dataTransfer?.files[0]);
  });
}

start();
