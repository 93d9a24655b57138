/** Running `cutover serve` as a real process, and signing events for the example program to post to it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { decide, type Command } from '../../src/domain/decide.js';
import { evolve } from '../../src/domain/state.js';
import type { LedgerEvent } from '../../src/domain/events.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { signerFromPem } from '../../src/ledger/keys.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { BIN, DEMO_KEYS, EXAMPLE, INHERITED_ENV, ROOT } from './cli.js';

export const EXAMPLE_PROGRAM = 'memorykernel-service-v3';

export function exampleLines(): string[] {
  return readFileSync(join(EXAMPLE, '.cutover/ledger.jsonl'), 'utf8').trimEnd().split('\n');
}

export function headOf(lines: readonly string[]): string | null {
  return lines.length === 0 ? null : (JSON.parse(lines[lines.length - 1]!) as LedgerEvent).hash;
}

/** The line `command` records after `lines`, decided by the domain and signed with the actor's demo key. */
export function recordedAfter(lines: readonly string[], command: Command): string {
  const { state } = verifyLedger({ source: 'test', lines });
  const decided = decide(state, command);
  if (!decided.ok) throw decided.error;
  const draft = decided.events[0]!;
  const signer = signerFromPem(readFileSync(join(DEMO_KEYS, `${draft.actor}.pem`), 'utf8'));
  return serialize(seal(draft, { program: state.program!, seq: state.seq + 1, at: command.at, prev: state.head }, signer));
}

/** A manual blocker raised by the program owner: an event any state of the example accepts. */
export function blockerAfter(lines: readonly string[], n: number): string {
  const at = new Date(Date.parse('2026-02-09T00:00:00Z') + n * 1000).toISOString();
  return recordedAfter(lines, { type: 'raise-blocker', actor: 'integration-program-owner', at, id: `T-${n}`, text: `blocker ${n}`, owner: 'integration-program-owner', due: '2026-03-01' });
}

/**
 * Signs blockers after `lines` one after another without verifying the ledger again for each (the
 * state is evolved as each line is made): for tests that need many lines, `textChars` long each.
 */
export function blockerWriter(lines: readonly string[], textChars = 20): { next(): string } {
  let state = verifyLedger({ source: 'test', lines }).state;
  const signer = signerFromPem(readFileSync(join(DEMO_KEYS, 'integration-program-owner.pem'), 'utf8'));
  let n = 0;
  return {
    next() {
      n++;
      const at = new Date(Date.parse('2026-02-09T00:00:00Z') + n * 1000).toISOString();
      const text = `blocker ${n} `.padEnd(textChars, 'x');
      const decided = decide(state, { type: 'raise-blocker', actor: 'integration-program-owner', at, id: `W-${n}`, text, owner: 'integration-program-owner', due: '2026-03-01' });
      if (!decided.ok) throw decided.error;
      const event = seal(decided.events[0]!, { program: state.program!, seq: state.seq + 1, at, prev: state.head }, signer);
      state = evolve(state, event);
      return serialize(event);
    },
  };
}

export interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** What it wrote to stderr so far (its log). */
  log(): string;
  /** SIGTERM, and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(args: readonly string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...INHERITED_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    void exited.then((code) => reject(new Error(`cutover serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
  return {
    url,
    child,
    log: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly body: any;
}

export async function postLines(url: string, program: string, expectedHead: string | null, lines: readonly string[]): Promise<Answer> {
  return postRaw(url, program, JSON.stringify({ expectedHead, lines }));
}

export async function postRaw(url: string, program: string, body: string, contentType = 'application/json'): Promise<Answer> {
  const response = await fetch(`${url}/v1/programs/${program}/events`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

export async function eventsOf(url: string, program: string): Promise<string> {
  const response = await fetch(`${url}/v1/programs/${program}/events`);
  return response.status === 404 ? '' : response.text();
}

/** The value of one series in a server's Prometheus text (0 when absent). */
export function metricOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/**
 * Post the example's lines and then `extra` blockers, one append each, to a running server; stop it
 * gracefully (a server keeps its checkpoints as it stops) and return every line posted.
 */
export async function postExampleThenStop(server: RunningServer, extra: number): Promise<string[]> {
  let lines = exampleLines();
  const created = await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
  if (created.status !== 201) throw new Error(`posting the example answered ${created.status}`);
  for (let n = 1; n <= extra; n++) {
    const line = blockerAfter(lines, n);
    const appended = await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [line]);
    if (appended.status !== 201) throw new Error(`appending blocker ${n} answered ${appended.status}`);
    lines = [...lines, line];
  }
  const code = await server.stop();
  if (code !== 0) throw new Error(`the server exited ${code} on SIGTERM`);
  return lines;
}

/** The servers one test file starts: `serving(args)` starts one, killed after each test. */
export function serversPerTest(): (args: readonly string[]) => Promise<RunningServer> {
  const running: RunningServer[] = [];
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop('SIGKILL');
  });
  return async (args) => {
    const server = await startServer(args);
    running.push(server);
    return server;
  };
}
