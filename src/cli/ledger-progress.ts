/**
 * Progress while a ledger's lines are verified (`verify`, or the first read of a large ledger): on a
 * terminal only, one line redrawn in place — how far, events, rate, time left — and cleared at the
 * end. Pipes and CI logs get nothing: they keep every redraw, and the result says it all.
 */
import type { LedgerProgress } from '../app/folder-ledger.js';

/** How long a verification runs before the line appears: a quick one shows nothing. */
const SHOW_AFTER_MS = 500;
const REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[K';

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** A duration to the second, as people read a countdown: `8s`, `2m 05s`, `1h 02m`. */
function left(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The progress line: share of the bytes read, events verified, events per second, and the time left at that pace. */
export function progressLine(p: LedgerProgress, elapsedMs: number): string {
  const done = p.bytesTotal === 0 ? 1 : Math.min(1, p.bytesRead / p.bytesTotal);
  const parts = [`verifying the ledger: ${Math.floor(done * 100)}%`, `${count(p.events)} events`];
  if (elapsedMs > 0) parts.push(`${count((p.events * 1000) / elapsedMs)} events/s`);
  if (done > 0 && done < 1) parts.push(`about ${left((elapsedMs * (1 - done)) / done)} left`);
  return parts.join(' · ');
}

export interface ProgressDisplay {
  readonly update: (p: LedgerProgress) => void;
  /** Clears the line, if one was drawn; safe to call more than once. */
  readonly close: () => void;
}

type Stream = { write(text: string): unknown; readonly isTTY?: boolean };

/** A display on `stream` when it is a terminal, else null. `now` is the clock (milliseconds). */
export function ledgerProgress(stream: Stream | undefined, now: () => number = () => performance.now()): ProgressDisplay | null {
  if (stream?.isTTY !== true) return null;
  const began = now();
  let drawnAt: number | null = null;
  return {
    update(p) {
      const t = now();
      if (t - began < SHOW_AFTER_MS || (drawnAt !== null && t - drawnAt < REDRAW_MS)) return;
      drawnAt = t;
      stream.write(`${CLEAR_LINE}${progressLine(p, t - began)}`);
    },
    close() {
      if (drawnAt !== null) stream.write(CLEAR_LINE);
      drawnAt = null;
    },
  };
}
