/** Running the built `cutover` binary on real temporary folders (git repositories: `git.ts`). */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import type { EventDraft, LedgerEvent } from '../../src/domain/events.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { signerFromPem } from '../../src/ledger/keys.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tempDir } from './temp.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/cutover.js');
export const EXAMPLE = join(ROOT, 'examples/memorykernel-service-v3');
export const DEMO_KEYS = join(EXAMPLE, 'demo-keys');

/**
 * What every command a test runs inherits: the suite's choice of signature check (vitest.config.ts),
 * and nothing else of this process's environment.
 */
export const INHERITED_ENV: Record<string, string> = process.env.CUTOVER_ED25519 === undefined ? {} : { CUTOVER_ED25519: process.env.CUTOVER_ED25519 };

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function cutover(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    // A clean environment: no stray CUTOVER_* variables, and a HOME of our own for default key paths.
    env: { PATH: process.env.PATH ?? '', HOME: options.env?.HOME ?? join(tmpdir(), 'cutover-no-home'), ...INHERITED_ENV, ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `cutover` without blocking this process: for tests that answer the CLI from here (a fake runner, say). */
export function cutoverAsync(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: options.env?.HOME ?? join(tmpdir(), 'cutover-no-home'), ...INHERITED_ENV, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

export { tempDir };

/** A copy of the example program (definition, demo keys and ledger) in a fresh folder. */
export function copyOfExample(): string {
  const dir = tempDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

export function demoKey(role: string): string {
  return join(DEMO_KEYS, `${role}.pem`);
}

/** Flags that record as `role` with its demo key at `at`. */
export function as(role: string, at: string): string[] {
  return ['--as', role, '--key', demoKey(role), '--at', at];
}

export function ledgerOf(dir: string): string {
  return readFileSync(join(dir, '.cutover/ledger.jsonl'), 'utf8');
}

/** A fresh clock of fixed, increasing times (one minute apart), after the example ledger's last event. */
export function clockAfterExample(): () => string {
  let minute = 0;
  return () => new Date(Date.parse('2026-02-09T10:00:00Z') + ++minute * 60_000).toISOString();
}

/**
 * Append an event to a program folder's ledger by hand, as an attacker holding `role`'s key would:
 * chained, sealed and signed like any line, but never decided. Returns the line.
 */
export function forgeEvent(dir: string, role: string, draft: Omit<EventDraft, 'actor'>, at: string): string {
  const ledger = ledgerOf(dir).trimEnd().split('\n');
  const last = JSON.parse(ledger.at(-1)!) as LedgerEvent;
  const signer = signerFromPem(readFileSync(demoKey(role), 'utf8'));
  const line = serialize(seal({ ...draft, actor: role } as EventDraft, { program: last.program, seq: last.seq + 1, at, prev: last.hash }, signer));
  appendFileSync(join(dir, '.cutover/ledger.jsonl'), line + '\n');
  return line;
}

/** The lines of `text` wider than 100 columns (one column per UTF-16 unit: cutover prints no wide glyphs). */
export function overWide(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 100);
}
