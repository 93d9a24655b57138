/**
 * Durations as `cutover.yaml` writes them (`15m`, `24h`, `1h30m`) and as Cutover prints them
 * (`1h 1m 1s`). Pure.
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
const DURATION = /^(?=\d)(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Milliseconds in a duration string, or null when it is not one (`15m`, `24h`, `1h30m`, `90s`). */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (m === null) return null;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * UNIT_MS.d + Number(h ?? 0) * UNIT_MS.h + Number(min ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s;
}

/** Milliseconds in a duration string already validated by the schema (0 for anything else). */
export function durationMs(text: string): number {
  return parseDuration(text) ?? 0;
}

/**
 * A duration for people: hours, minutes and seconds, largest first (`1h 1m 1s`, `10m`, `0s`); under
 * a second, milliseconds (`250ms`). Above a second the milliseconds are dropped (`5m 12s`, not
 * `5m 12s 274ms`): nobody acts on them, and the `…Seconds` fields of status --json keep them.
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest > 0 && rest < 1000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  for (const [unit, size] of [['h', UNIT_MS.h], ['m', UNIT_MS.m], ['s', UNIT_MS.s]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.length === 0 ? '0s' : sign + parts.join(' ');
}
