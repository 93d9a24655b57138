/**
 * Verification runs: a party's suite of shell commands, each under a time limit, recorded as
 * evidence. Output is never kept whole: each stream is hashed as it arrives and only a bounded tail
 * of lines is kept, so a command may print gigabytes.
 */

import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { endLeftovers, markedProcesses, newRunMarker, RUN_MARKER_ENV } from './leftovers.js';
import type { ProgressSink } from './progress.js';

export interface SuiteCommand {
  /** Short name shown in progress, e.g. `unit-tests`. */
  readonly id: string;
  /** A shell command line, run with `/bin/sh -c`. */
  readonly run: string;
  /** Fractions allowed. */
  readonly timeoutSeconds: number;
}

export interface StreamDigest {
  /** `sha256:<hex>` of every byte of the stream. */
  readonly sha256: string;
  readonly bytes: number;
  /** The last lines, as text, each cut to {@link MAX_LINE_CHARS} characters. */
  readonly tail: readonly string[];
}

export interface CommandResult {
  readonly id: string;
  readonly run: string;
  /** `null` when the command was killed by a signal or could not start. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly stdout: StreamDigest;
  /** When the command could not start, the reason, as if the command had written it here. */
  readonly stderr: StreamDigest;
  /** `exitCode === 0 && !timedOut`. */
  readonly passed: boolean;
}

export interface RunResult {
  /** Every command ran and passed. */
  readonly passed: boolean;
  /** ISO UTC, from the injected clock. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** The commands that ran, in order; the run stops at the first one that fails. */
  readonly commands: readonly CommandResult[];
  /** Ids of the commands not run because an earlier one failed. */
  readonly skipped: readonly string[];
}

export interface RunOptions {
  readonly cwd: string;
  /** Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
  /** Told about each command as it starts and ends; closed when the run ends. */
  readonly progress?: ProgressSink;
  /** Default 20. */
  readonly tailLines?: number;
}

export const MAX_LINE_CHARS = 500;
/** How long a timed-out command gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A detached group no longer gets the terminal's signals; these are passed on to it. */
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function runSuite(commands: readonly SuiteCommand[], options: RunOptions): Promise<RunResult> {
  if (commands.length === 0) throw new Error('a suite needs at least one command');
  for (const c of commands) {
    if (!(c.timeoutSeconds > 0)) throw new Error(`command "${c.id}": timeoutSeconds must be a positive number, found ${c.timeoutSeconds}`);
  }
  const startedAt = options.now().toISOString();
  const began = performance.now();
  const { progress } = options;
  const results: CommandResult[] = [];
  const skipped: string[] = [];
  try {
    for (const command of commands) {
      if (results.some((r) => !r.passed)) {
        skipped.push(command.id);
        progress?.skip(command.id);
        continue;
      }
      progress?.start(command.id, command.run);
      const result = await runCommand(command, options);
      results.push(result);
      progress?.finish(result);
    }
  } finally {
    progress?.close();
  }
  return {
    passed: skipped.length === 0 && results.every((r) => r.passed),
    startedAt,
    durationMs: Math.round(performance.now() - began),
    commands: results,
    skipped,
  };
}

async function runCommand(command: SuiteCommand, options: RunOptions): Promise<CommandResult> {
  const stdout = new StreamCollector(options.tailLines ?? 20);
  const stderr = new StreamCollector(options.tailLines ?? 20);
  const began = performance.now();
  let timedOut = false;
  let startError: Error | undefined;

  const marker = newRunMarker();
  let leftoversEnded: Promise<void> = Promise.resolve();
  const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    // Listening before the command starts: an interruption that came after it started and before
    // the handlers were in place would end this process by default and leave the command running
    // (seen on a loaded machine). Handlers run from the event loop, after `follow` below.
    const forwarding = forwardSignals(marker);
    try {
      // Its own process group, so that a timeout reaches everything the command started; and a
      // marker in the environment of everything it starts, to find what left the group.
      child = spawn('/bin/sh', ['-c', command.run], {
        cwd: options.cwd,
        env: { ...(options.env ?? process.env), [RUN_MARKER_ENV]: marker },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      forwarding.stop();
      startError = e instanceof Error ? e : new Error(String(e));
      resolve({ code: null, signal: null });
      return;
    }
    const { pid } = child;
    if (pid !== undefined) forwarding.follow(pid);
    let killTimer: NodeJS.Timeout | undefined;
    const limitTimer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) signalGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        if (pid !== undefined) signalGroup(pid, 'SIGKILL');
        // A descendant that left the group (setsid) may still hold the pipes; 'close' waits for them.
        child.stdout.destroy();
        child.stderr.destroy();
      }, KILL_GRACE_MS);
    }, Math.min(command.timeoutSeconds * 1000, MAX_TIMER_MS));

    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    // After a successful spawn, 'error' only reports a failed kill, which signalGroup avoids.
    child.on('error', (e) => {
      if (pid === undefined) startError = e;
    });
    // When the command ends, whatever it left running ends too: `sleep 30 & exit 0` passes and is
    // over, not a time-out. Then the pipes close; one still held by something unmarked is let go.
    let releaseTimer: NodeJS.Timeout | undefined;
    let closed = false;
    child.on('exit', () => {
      if (pid === undefined) return;
      clearTimeout(limitTimer); // it ended within its limit; what it left behind is not a time-out
      leftoversEnded = endLeftovers(pid, marker, KILL_GRACE_MS).then(() => {
        if (closed) return;
        releaseTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, KILL_GRACE_MS);
      });
    });
    // 'close' comes after 'error' too, and only once both pipes are drained.
    child.on('close', (code, signal) => {
      closed = true;
      clearTimeout(limitTimer);
      clearTimeout(killTimer);
      clearTimeout(releaseTimer);
      forwarding.stop();
      resolve(pid === undefined ? { code: null, signal: null } : { code, signal });
    });
  });

  const durationMs = Math.round(performance.now() - began);
  await leftoversEnded;
  if (startError !== undefined) stderr.add(Buffer.from(`cutover: ${await whyNotStarted(startError, options.cwd)}\n`));
  return {
    id: command.id,
    run: command.run,
    exitCode: exit.code,
    signal: exit.signal,
    timedOut,
    durationMs,
    stdout: stdout.digest(),
    stderr: stderr.digest(),
    passed: exit.code === 0 && !timedOut,
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  signalProcess(-pid, signal);
}

function signalProcess(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: it is already gone.
  }
}

/**
 * Passes an interruption of this process (Ctrl-C, a CI job cancelled) on to the command's group,
 * which, being detached, would otherwise outlive us; then lets the signal do what it would have.
 * A non-interactive shell starts its background jobs with SIGINT ignored, so SIGTERM follows any
 * other signal: a Ctrl-C ends them as a cancelled job does. Listens from the call; `follow` names
 * the command's group once it has started.
 */
function forwardSignals(marker: string): { follow: (pid: number) => void; stop: () => void } {
  let group: number | undefined;
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      stop();
      if (group !== undefined) {
        signalGroup(group, signal);
        if (signal !== 'SIGTERM') signalGroup(group, 'SIGTERM');
      }
      // What left the group (setsid) but carries the run's marker: this process will not be there to end it later.
      for (const p of markedProcesses(marker)) signalProcess(p, 'SIGTERM');
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  function stop() {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
  return {
    follow: (pid) => {
      group = pid;
    },
    stop,
  };
}

/** Node reports a missing cwd as `spawn /bin/sh ENOENT`, which points at the wrong thing. */
async function whyNotStarted(error: Error, cwd: string): Promise<string> {
  const missing = await stat(cwd).then((s) => !s.isDirectory(), () => true);
  return missing
    ? `cannot start the command: the working directory ${cwd} does not exist or is not a directory`
    : `cannot start the command: ${error.message}`;
}

/** Hashes a stream as it arrives and keeps its last lines, in memory bounded by the tail size. */
class StreamCollector {
  private readonly hash = createHash('sha256');
  private readonly decoder = new StringDecoder('utf8');
  private readonly tail: Ring;
  private bytes = 0;
  /** The line being read, already cut to MAX_LINE_CHARS. */
  private line = '';

  constructor(tailLines: number) {
    this.tail = new Ring(tailLines);
  }

  add(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.addText(this.decoder.write(chunk));
  }

  digest(): StreamDigest {
    this.addText(this.decoder.end());
    if (this.line !== '') this.endLine();
    return { sha256: `sha256:${this.hash.digest('hex')}`, bytes: this.bytes, tail: this.tail.items() };
  }

  private addText(text: string): void {
    let from = 0;
    for (;;) {
      const newline = text.indexOf('\n', from);
      const end = newline === -1 ? text.length : newline;
      const room = MAX_LINE_CHARS - this.line.length;
      if (room > 0) this.line += text.slice(from, Math.min(end, from + room));
      if (newline === -1) return;
      this.endLine();
      from = newline + 1;
    }
  }

  private endLine(): void {
    // Drop a CR of a CRLF ending, and half a surrogate pair left by the cut.
    this.tail.push(this.line.replace(/\r$|[\uD800-\uDBFF]$/, ''));
    this.line = '';
  }
}

class Ring {
  private readonly slots: string[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  push(item: string): void {
    if (this.size <= 0) return;
    if (this.slots.length < this.size) this.slots.push(item);
    else this.slots[this.next] = item;
    this.next = (this.next + 1) % this.size;
  }

  items(): string[] {
    return this.slots.length < this.size ? [...this.slots] : [...this.slots.slice(this.next), ...this.slots.slice(0, this.next)];
  }
}
