import { describe, expect, it } from 'vitest';
import { ProgressMeter, type UploadProgress } from './progress-meter.js';

describe('ProgressMeter', () => {
  it('throttles events and reports the recent rate and time left', () => {
    let now = 0;
    const events: UploadProgress[] = [];
    const meter = new ProgressMeter((p) => events.push(p), 250, () => now);
    meter.update(0, 1000, 0, 4, true);
    now = 100;
    meter.update(100, 1000, 0, 4);
    now = 1000;
    meter.update(500, 1000, 2, 4);
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({ loaded: 500, total: 1000, bytesPerSecond: 500, etaSeconds: 1, partsDone: 2, partCount: 4 });
  });
});
