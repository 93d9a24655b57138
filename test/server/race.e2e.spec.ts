// Concurrent recording commands through the built CLI, against `cutover serve` (on a folder and on
// PostgreSQL) and on a folder alone: every command that says "recorded" has its event in the ledger
// exactly once, nothing lands anywhere else, and one that gives up says so and recorded nothing.
// `npm run test:stress` runs the same rounds 50 times (CUTOVER_RACE_ROUNDS).
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOfExample, cutover, EXAMPLE, tempDir } from '../support/cli.js';
import { freshDatabase } from '../support/postgres.js';
import { raceBlockers, raceRounds, type Outcome } from '../support/race.js';
import { EXAMPLE_PROGRAM, startServer, type RunningServer } from '../support/server.js';

const WRITERS = 8;
const ROUNDS = raceRounds(5);
/** Room for a round on a busy 2-core machine (8 processes start, verify and append). */
const TIMEOUT = 60_000 + ROUNDS * 30_000;

/** Every file under `dir` and its bytes: what "byte-identical before and after" compares. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'base64');
    }
  };
  walk(dir);
  return files;
}

/** The texts of the blockers raised in `lines`, in order. */
function raisedTexts(lines: readonly string[]): string[] {
  return lines.map((l) => JSON.parse(l) as { type: string; data: { text?: string } }).filter((e) => e.type === 'blocker.raised').map((e) => e.data.text!);
}

/** Each exit 0 printed "recorded" and has its event exactly once; every other exit recorded nothing and named the conflict. */
function expectAccounted(outcomes: readonly Outcome[], texts: readonly string[]): void {
  for (const o of outcomes) {
    const count = texts.filter((t) => t === o.text).length;
    if (o.code === 0) {
      expect(o.stdout, o.stderr).toMatch(/^recorded seq \d+ blocker\.raised/);
      expect(count, `${o.text} recorded ${count} times`).toBe(1);
    } else {
      expect(count, `${o.text} exited ${o.code} but was recorded`).toBe(0);
      expect(o.stderr, o.stderr).toMatch(/other writers kept moving the ledger: \d+ attempts.*the head last seen is sha256:[0-9a-f]{64}; nothing was recorded/);
    }
  }
}

describe.each([
  ['folder', async (root: string) => ['--data', join(root, 'data')]],
  ['postgres', async () => ['--database', await freshDatabase()]],
] as const)('%s: N writers at once through --server', (_name, backend) => {
  // One server for the file's tests (tempDir() folders are removed after each test).
  let root: string;
  let server: RunningServer;
  let pushed: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cutover-race-'));
    server = await startServer(await backend(root), { CUTOVER_CACHE: join(root, 'cache') });
    pushed = join(root, 'program');
    cpSync(EXAMPLE, pushed, { recursive: true });
    expect(cutover(['-C', pushed, 'push', '--server', server.url]).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it(`${WRITERS} blocker raise commands at once, ${ROUNDS} rounds, from the pushed folder, an empty folder and a folder of another program: each exit 0 is on the server once; no folder changes`, async () => {
    const other = tempDir();
    expect(cutover(['-C', other, 'init', '--producer', 'Billing', '--consumer', 'Checkout', '--contract', 'billing.v2']).code).toBe(0);
    const folders = [pushed, tempDir(), other];
    let recorded = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const before = folders.map(snapshot);
      const tag = String(round);
      const outcomes = await raceBlockers(['--server', server.url, '--program', EXAMPLE_PROGRAM], WRITERS, tag, (writer) => folders[writer % folders.length]!);
      const served = (await (await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events`)).text()).trimEnd().split('\n');
      expectAccounted(outcomes, raisedTexts(served).filter((t) => t.startsWith(`round ${tag} `)));
      expect(folders.map(snapshot)).toEqual(before);
      recorded += outcomes.filter((o) => o.code === 0).length;
    }
    // Jittered back-off within the budget lets every writer of every round through, nearly always.
    expect(recorded).toBeGreaterThanOrEqual(ROUNDS * WRITERS - 1);
    expect(cutover(['-C', pushed, 'pull', '--server', server.url]).code).toBe(0);
    expect(cutover(['-C', pushed, 'verify', '--against', server.url]).stdout).toContain('same: both copies hold the same');
  }, TIMEOUT);
});

describe('a folder: N writers at once with -C', () => {
  it(`${WRITERS} blocker raise commands, ${ROUNDS} rounds: each exit 0 is in the ledger once, and it verifies`, async () => {
    const dir = copyOfExample();
    for (let round = 1; round <= ROUNDS; round++) {
      const outcomes = await raceBlockers(['-C', dir], WRITERS, String(round), dir, { CUTOVER_CACHE: tempDir() });
      const lines = readFileSync(join(dir, '.cutover/ledger.jsonl'), 'utf8').trimEnd().split('\n');
      expectAccounted(outcomes, raisedTexts(lines).filter((t) => t.startsWith(`round ${round} `)));
      expect(outcomes.filter((o) => o.code === 0).length).toBeGreaterThanOrEqual(WRITERS - 1);
    }
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);
  }, TIMEOUT);
});
