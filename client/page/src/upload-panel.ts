import type { UploadProgress } from '@hoist/client';
import { byId, setText } from './dom.js';
import { formatBytes, formatEta, formatRate } from './format.js';

/** Step 2 of the page: the upload's progress bar, its figures and its Pause/Resume and Cancel buttons. */
export class UploadPanel {
  readonly #section = byId('upload-section', HTMLElement);
  readonly #heading = byId('upload-title', HTMLHeadingElement);
  readonly #fileName = byId('upload-file', HTMLParagraphElement);
  readonly #bar = byId('upload-progress', HTMLProgressElement);
  readonly #bytes = byId('upload-bytes', HTMLElement);
  readonly #speed = byId('upload-speed', HTMLElement);
  readonly #eta = byId('upload-eta', HTMLElement);
  readonly #note = byId('upload-note', HTMLParagraphElement);
  readonly #stats = byId('upload-stats', HTMLElement);
  readonly pauseButton = byId('pause-button', HTMLButtonElement);
  readonly cancelButton = byId('cancel-button', HTMLButtonElement);

  show(file: File): void {
    this.#section.hidden = false;
    delete this.#section.dataset['state'];
    this.#bar.hidden = false;
    this.#stats.hidden = false;
    this.#fileName.textContent = `${file.name} · ${formatBytes(file.size)}`;
    this.#bar.max = Math.max(1, file.size);
    this.#bar.value = 0;
    this.#bar.setAttribute('aria-valuetext', '0% sent');
    this.setNote('');
    this.setControls('running');
    // Keyboard and screen-reader users land where the upload is, next to its controls.
    this.#heading.focus();
  }

  progress(p: UploadProgress, paused: boolean): void {
    const percent = p.total > 0 ? Math.floor((p.loaded / p.total) * 100) : 0;
    this.#bar.max = Math.max(1, p.total);
    this.#bar.value = p.loaded;
    this.#bar.setAttribute('aria-valuetext', `${percent}% sent, ${p.partsDone} of ${p.partCount} parts`);
    this.#bytes.textContent = `${formatBytes(p.loaded)} of ${formatBytes(p.total)} (${percent}%)`;
    this.#speed.textContent = paused ? 'paused' : formatRate(p.bytesPerSecond);
    this.#eta.textContent = paused ? '–' : p.loaded >= p.total ? 'finishing…' : formatEta(p.etaSeconds);
  }

  /** Nothing is moving: rate and time left mean nothing until data flows again. */
  waiting(): void {
    this.#speed.textContent = '–';
    this.#eta.textContent = 'waiting for the connection';
  }

  /** Cancelled: the card says so, and shows no progress of an upload that no longer exists. */
  cancelled(): void {
    this.setControls('finished');
    this.#section.dataset['state'] = 'cancelled';
    this.#bar.hidden = true;
    this.#stats.hidden = true;
    this.setNote('Cancelled: nothing of this file was kept.', 'warning');
  }

  /** Put away: the upload never started (a refused file, an expired session). */
  hide(): void {
    this.#section.hidden = true;
  }

  setNote(text: string, tone?: 'warning'): void {
    setText(this.#note, text, tone);
  }

  /** `running`: Pause and Cancel; `paused`: Resume and Cancel; `finished`: neither. */
  setControls(mode: 'running' | 'paused' | 'finished'): void {
    this.pauseButton.textContent = mode === 'paused' ? 'Resume' : 'Pause';
    // The row itself goes, so a finished upload leaves no empty gap.
    const row = this.pauseButton.parentElement;
    if (row) row.hidden = mode === 'finished';
    if (mode !== 'finished') return;
    this.#speed.textContent = '–';
    this.#eta.textContent = '–';
  }
}
