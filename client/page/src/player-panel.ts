import type Hls from 'hls.js';
import type { Level } from 'hls.js';
import type { VideoStatusOutput } from '@hoist/shared';
import { byId } from './dom.js';
import { formatBitrate } from './format.js';

/** A rung's name: its short side, as the ladder names them (720p for 1280×720 and 720×1280). */
function rungName(width: number, height: number): string {
  return `${Math.min(width, height) || height}p`;
}

type HlsClass = typeof Hls;

/**
 * hls.js is over half of the page's code and is needed only once a video is ready, so it is a
 * file of its own (a chunk of the page build), fetched then.
 */
let hlsLoading: Promise<HlsClass> | undefined;
function loadHls(): Promise<HlsClass> {
  // Browsers remember a module that failed to load, so after a failure only a reload helps: the
  // error the page then shows says so.
  hlsLoading ??= import('hls.js').then((module) => module.default);
  return hlsLoading;
}

/**
 * Step 4: plays the master playlist through hls.js (Media Source Extensions), lists the rungs
 * and lets the viewer pin one or go back to automatic switching. Safari plays HLS natively,
 * and then picks rungs itself: they are listed but cannot be chosen.
 */
export class PlayerPanel {
  readonly #section = byId('player-section', HTMLElement);
  readonly #heading = byId('player-title', HTMLHeadingElement);
  readonly #video = byId('player-video', HTMLVideoElement);
  readonly #frame = byId('video-frame', HTMLDivElement);
  readonly #buttons = byId('quality-buttons', HTMLDivElement);
  readonly #nowPlaying = byId('now-playing', HTMLParagraphElement);
  #hls: Hls | undefined;

  constructor(private readonly onError: (message: string) => void) {
    // The frame takes the picture's shape (a phone's portrait video is not boxed in 16:9).
    this.#video.addEventListener('resize', () => this.#shape(this.#video.videoWidth, this.#video.videoHeight));
  }

  #shape(width: number, height: number): void {
    if (width > 0 && height > 0) this.#frame.style.aspectRatio = `${width} / ${height}`;
  }

  async play(status: VideoStatusOutput): Promise<void> {
    if (!status.masterUrl) throw new Error('the video is playable but has no playlist');
    this.#section.hidden = false;
    const rung = status.renditions[0];
    if (rung) this.#shape(rung.width, rung.height);
    if (status.posterUrl) this.#video.poster = status.posterUrl;
    this.#heading.focus();
    let Hls: HlsClass;
    try {
      Hls = await loadHls();
    } catch {
      this.onError('The video player could not be loaded. Check the connection, then reload the page to play the video.');
      return;
    }
    if (Hls.isSupported()) {
      this.#playWithHlsJs(Hls, status.masterUrl);
    } else if (this.#video.canPlayType('application/vnd.apple.mpegurl')) {
      this.#video.src = status.masterUrl;
      this.#listFixedRungs(status);
    } else {
      this.onError('This browser cannot play HLS video (it has neither Media Source Extensions nor native HLS).');
    }
  }

  /** The video finished processing while it played: its poster, now there is one. */
  finished(status: VideoStatusOutput): void {
    if (status.posterUrl && !this.#video.poster) this.#video.poster = status.posterUrl;
  }

  #playWithHlsJs(Hls: HlsClass, masterUrl: string): void {
    // A video still being processed has growing (EVENT) playlists, which hls.js would join at
    // their live edge: a video is watched from its start, and the playlists keep growing ahead.
    // Auto never picks a rung larger than the player shows (a 1080p rung for a phone's screen
    // would spend the viewer's data on pixels thrown away).
    const hls = new Hls({ startPosition: 0, capLevelToPlayerSize: true });
    this.#hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => this.#renderRungs(hls.levels));
    hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
      this.#describeLevel(hls, data.level);
      this.#describeAuto(hls);
    });
    // The player's size can change (a phone turned, a window resized): Auto's ceiling with it.
    hls.on(Hls.Events.FRAG_CHANGED, () => this.#describeAuto(hls));
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        this.#nowPlaying.textContent = 'Connection lost while loading the video; retrying…';
        hls.startLoad();
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else {
        this.onError(`The video cannot be played: ${data.details}.`);
        hls.destroy();
      }
    });
    hls.loadSource(masterUrl);
    hls.attachMedia(this.#video);
  }

  /** Says which rung plays, and whether the player or the viewer chose it. */
  #describeLevel(hls: Hls, index: number): void {
    const level = hls.levels[index];
    if (!level) return;
    const how = hls.autoLevelEnabled ? 'chosen automatically' : 'chosen by you';
    this.#nowPlaying.textContent = `Playing ${rungName(level.width, level.height)} (${level.width}×${level.height}, ${how}).`;
    this.#nowPlaying.dataset['height'] = String(level.height);
  }

  /** Auto's button says the largest rung it may choose at the player's size. */
  #describeAuto(hls: Hls): void {
    const top = hls.levels[hls.maxAutoLevel];
    const detail = this.#buttons.querySelector('button[data-level="-1"] .rate');
    if (top && detail) detail.textContent = `up to ${rungName(top.width, top.height)} at this size`;
  }

  #renderRungs(levels: Level[]): void {
    const hls = this.#hls;
    if (!hls) return;
    const order = levels.map((level, index) => ({ level, index })).sort((a, b) => b.level.height - a.level.height);
    const auto = this.#rungButton('Auto', 'let the player choose', () => (hls.currentLevel = -1));
    const buttons = [auto, ...order.map(({ level, index }) =>
      this.#rungButton(rungName(level.width, level.height), formatBitrate(level.bitrate), () => {
        const playing = hls.currentLevel;
        hls.currentLevel = index;
        // Choosing the rung already playing switches nothing, so no LEVEL_SWITCHED says so.
        if (playing === index) this.#describeLevel(hls, index);
      }, index),
    )];
    this.#buttons.replaceChildren(...buttons);
    this.#markChosen(-1);
    this.#describeAuto(hls);
  }

  #rungButton(name: string, detail: string, choose: () => void, index = -1): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.dataset['level'] = String(index);
    button.append(name);
    const rate = document.createElement('span');
    rate.className = 'rate';
    rate.textContent = detail;
    // The name alone is the button's label; the rate is a visible extra.
    rate.setAttribute('aria-hidden', 'true');
    button.append(rate);
    button.setAttribute('aria-label', index === -1 ? 'Auto quality' : `${name} quality, ${detail}`);
    button.addEventListener('click', () => {
      choose();
      this.#markChosen(index);
    });
    return button;
  }

  #markChosen(index: number): void {
    for (const button of this.#buttons.querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset['level'] === String(index)));
    }
  }

  #listFixedRungs(status: VideoStatusOutput): void {
    const items = status.renditions.map((r) => {
      const button = this.#rungButton(`${r.label}p`, formatBitrate(r.bandwidth), () => {});
      button.disabled = true;
      return button;
    });
    this.#buttons.replaceChildren(...items);
    this.#nowPlaying.textContent = 'This browser chooses the quality by itself.';
  }
}
