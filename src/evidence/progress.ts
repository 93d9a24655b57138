/** Progress of a verification run, for the person or the CI log watching it. Plain text, no colour. */

import { performance } from 'node:perf_hooks';
import type { CommandResult } from './runner.js';

export interface ProgressSink {
  start(id: string, run: string): void;
  finish(result: CommandResult): void;
  skip(id: string): void;
  /** Stops any redrawing; safe to call more than once. */
  close(): void;
}

type Output = NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };

/**
 * A live display on a TTY (one line per command: spinner, id and elapsed seconds, replaced by ✓/✗
 * and the duration when it ends); plain lines otherwise, since CI logs keep every redraw.
 */
export function progressFor(stream: Output): ProgressSink {
  return stream.isTTY === true ? liveProgress(stream) : plainProgress(stream);
}

function plainProgress(stream: Output): ProgressSink {
  const line = (text: string) => void stream.write(`${text}\n`);
  return {
    start: (id) => line(`start ${id}`),
    finish: (r) =>
      line(
        r.passed
          ? `pass ${r.id} ${seconds(r.durationMs)}`
          : r.timedOut
            ? `TIMEOUT ${r.id} after ${seconds(r.durationMs)}`
            : `FAIL ${r.id} ${whyFailed(r)} ${seconds(r.durationMs)}`,
      ),
    skip: (id) => line(`skip ${id}`),
    close: () => {},
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[K';

function liveProgress(stream: Output): ProgressSink {
  let live: { id: string; began: number; frame: number; timer: NodeJS.Timeout } | undefined;

  const draw = () => {
    if (live === undefined) return;
    const frame = FRAMES[live.frame++ % FRAMES.length] ?? '';
    stream.write(`${CLEAR_LINE}${frame} ${live.id} ${seconds(performance.now() - live.began)}`);
  };
  /** Replaces the live line, if any, with `text` (or leaves it as it is), and ends it. */
  const settle = (text?: string) => {
    if (live === undefined) return;
    clearInterval(live.timer);
    live = undefined;
    stream.write(text === undefined ? '\n' : `${CLEAR_LINE}${text}\n`);
  };

  return {
    start(id) {
      settle();
      // unref: a display must never keep the process alive.
      live = { id, began: performance.now(), frame: 0, timer: setInterval(draw, REDRAW_MS).unref() };
      draw();
    },
    finish(r) {
      const text = r.passed
        ? `✓ ${r.id} ${seconds(r.durationMs)}`
        : r.timedOut
          ? `✗ ${r.id} timed out after ${seconds(r.durationMs)}`
          : `✗ ${r.id} ${whyFailed(r)} ${seconds(r.durationMs)}`;
      if (live === undefined) stream.write(`${text}\n`);
      else settle(text);
    },
    skip(id) {
      settle();
      stream.write(`- ${id} skipped\n`);
    },
    close: () => settle(),
  };
}

function whyFailed(r: CommandResult): string {
  if (r.exitCode !== null) return `exit ${r.exitCode}`;
  if (r.signal !== null) return `signal ${r.signal}`;
  return 'did not start';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
