/**
 * Ctrl-C during `evidence run` ends the suite's background jobs, as SIGTERM does (issue 21,
 * item 10): a non-interactive shell starts a background job with SIGINT ignored, so passing the
 * SIGINT on alone left it running. Nothing is recorded for an interrupted run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { as, BIN, copyOfExample, cutover, ledgerOf, tempDir } from '../support/cli.js';
import { gitFixture } from '../support/git.js';

const PRODUCER = 'memorykernel-release-owner';

/** Processes a test expects to end; killed afterwards so nothing is left behind when it fails. */
const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pidFrom(file: string): Promise<number> {
  const written = () => existsSync(file) && /^\d+\n$/.test(readFileSync(file, 'utf8'));
  for (let i = 0; i < 400 && !written(); i++) await sleep(25);
  return Number(readFileSync(file, 'utf8').trim());
}

async function eventuallyDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(25);
  return !alive(pid);
}

describe('evidence run, interrupted', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} ends the suite's foreground command, its background job and one it started with setsid, and records nothing`, async () => {
      const program = copyOfExample();
      const pids = tempDir();
      const producer = gitFixture();
      producer.annotatedTag('v2.9.0', producer.commit({ 'VERSION': 'service.v2\n', 'ci/contract-tests.sh': 'echo ok\n' }));
      const script = `sleep 120 & echo $! > ${pids}/bg.pid\nsetsid sleep 120 & echo $! > ${pids}/setsid.pid\necho $$ > ${pids}/fg.pid\nsleep 120\n`;
      const target = producer.commit({ 'VERSION': 'service.v3\n', 'ci/contract-tests.sh': script });
      producer.annotatedTag('v3.0.0', target);
      const publish = ['target', 'publish', '--tag', 'v3.0.0', '--sha', target, '--contract', 'service=service.v3', '--repo', producer.dir];
      expect(cutover(['-C', program, ...publish, ...as(PRODUCER, '2026-02-09T10:00:00Z')]).code).toBe(0);
      const before = ledgerOf(program);

      const run = spawn(process.execPath, [BIN, '-C', program, 'evidence', 'run', '--party', 'memorykernel', '--cwd', producer.dir, ...as(PRODUCER, '2026-02-09T10:01:00Z')], {
        env: { PATH: process.env.PATH ?? '', HOME: tempDir() },
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((done) => run.on('exit', (_code, sig) => done(sig)));
      const background = await pidFrom(join(pids, 'bg.pid'));
      const detached = await pidFrom(join(pids, 'setsid.pid'));
      const shell = await pidFrom(join(pids, 'fg.pid'));
      strays.push(background, detached, shell);

      run.kill(signal);
      expect(await exited).toBe(signal);
      expect(await eventuallyDead(shell)).toBe(true);
      expect(await eventuallyDead(background)).toBe(true);
      expect(await eventuallyDead(detached)).toBe(true);
      expect(ledgerOf(program)).toBe(before);
    });
  }
});
