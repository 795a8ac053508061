// Sizes and durations as the fleet's messages state them to people: one way everywhere.

/** 2 decimals at most, no trailing zeros: 29.97, 240, 0.5. */
export function decimal(value: number, places: number): string {
  return String(Number(value.toFixed(places)));
}

/** A duration as a person reads it: 3.2 s, 1 min 5 s, 10 h 0 min. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${decimal(seconds, 1)} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`;
}

/** Bytes for people: binary units, about three significant digits. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}
