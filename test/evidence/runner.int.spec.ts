import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { progressFor } from '../../src/evidence/progress.js';
import type { CommandResult, RunOptions, SuiteCommand } from '../../src/evidence/runner.js';
import { runSuite } from '../../src/evidence/runner.js';

const AT = new Date('2026-11-24T09:30:00.000Z');
const sha256 = (data: string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const dirs: string[] = [];
/** Processes a test expects to outlive the run; killed afterwards so nothing is left behind. */
const strays: number[] = [];
afterEach(async () => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-runner-'));
  dirs.push(dir);
  return dir;
}

async function run(commands: readonly SuiteCommand[], options: Partial<RunOptions> = {}) {
  return runSuite(commands, { cwd: options.cwd ?? (await tempDir()), now: () => AT, ...options });
}

const cmd = (id: string, runLine: string, timeoutSeconds = 30): SuiteCommand => ({ id, run: runLine, timeoutSeconds });

/** Alive and not a zombie: in a container, nobody may reap an orphan that was killed. */
function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync('/proc/self/stat')) {
    try {
      const text = readFileSync(stat, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pidFrom(file: string): Promise<number> {
  for (let i = 0; i < 200 && !existsSync(file); i++) await sleep(25);
  return Number((await readFile(file, 'utf8')).trim());
}

async function eventuallyDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(20);
  return !alive(pid);
}

describe('runSuite', () => {
  it('records a passing suite: exit codes, byte counts, digests and tails of both streams', async () => {
    const result = await run([cmd('print', "printf 'a\\nb\\n'"), cmd('warn', 'echo err >&2')]);

    expect(result.passed).toBe(true);
    expect(result.skipped).toEqual([]);
    expect(result.commands.map((c) => [c.id, c.exitCode, c.signal, c.timedOut, c.passed])).toEqual([
      ['print', 0, null, false, true],
      ['warn', 0, null, false, true],
    ]);
    const [print, warn] = result.commands;
    expect(print?.run).toBe("printf 'a\\nb\\n'");
    expect(print?.stdout).toEqual({ sha256: sha256('a\nb\n'), bytes: 4, tail: ['a', 'b'] });
    expect(print?.stderr).toEqual({ sha256: sha256(''), bytes: 0, tail: [] });
    expect(warn?.stdout).toEqual({ sha256: sha256(''), bytes: 0, tail: [] });
    expect(warn?.stderr).toEqual({ sha256: sha256('err\n'), bytes: 4, tail: ['err'] });
  });

  it('takes startedAt from the injected clock', async () => {
    const result = await run([cmd('ok', 'true')], { now: () => new Date('2026-01-02T04:05:06+01:00') });
    expect(result.startedAt).toBe('2026-01-02T03:05:06.000Z');
  });

  it('runs in cwd with the given environment', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'marker.txt'), 'here\n');
    const result = await run([cmd('look', 'cat marker.txt; echo "$GREETING"')], {
      cwd,
      env: { PATH: process.env.PATH, GREETING: 'hello' },
    });
    expect(result.commands[0]?.stdout.tail).toEqual(['here', 'hello']);
  });

  it('stops at the first failure and lists the commands it did not run', async () => {
    const result = await run([cmd('ok', 'true'), cmd('bad', 'echo trying; exit 3'), cmd('later', 'true'), cmd('last', 'true')]);

    expect(result.passed).toBe(false);
    expect(result.commands.map((c) => c.id)).toEqual(['ok', 'bad']);
    expect(result.commands[1]).toMatchObject({ exitCode: 3, signal: null, timedOut: false, passed: false });
    expect(result.commands[1]?.stdout.tail).toEqual(['trying']);
    expect(result.skipped).toEqual(['later', 'last']);
  });

  it('kills a command at its time limit (fractions of a second allowed)', async () => {
    const began = performance.now();
    const result = await run([cmd('nap', 'echo dozing; sleep 20', 0.5), cmd('after', 'true')]);

    expect(performance.now() - began).toBeLessThan(10_000);
    expect(result.passed).toBe(false);
    expect(result.commands[0]).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: true, passed: false });
    expect(result.commands[0]?.durationMs).toBeGreaterThanOrEqual(400);
    expect(result.commands[0]?.stdout.tail).toEqual(['dozing']);
    expect(result.skipped).toEqual(['after']);
  });

  it('kills the whole process group, not just the shell', async () => {
    const cwd = await tempDir();
    const began = performance.now();
    // The backgrounded sleep holds stdout open: the run can only end once it is dead too.
    const result = await run([cmd('nest', "sh -c 'sleep 20 & echo $! > sleep.pid; wait'", 0.5)], { cwd });

    expect(performance.now() - began).toBeLessThan(10_000);
    expect(result.commands[0]).toMatchObject({ exitCode: null, timedOut: true });
    expect(result.commands[0]?.signal).not.toBeNull();
    expect(await eventuallyDead(await pidFrom(join(cwd, 'sleep.pid')))).toBe(true);
  });

  it('sends SIGKILL to a command that ignores SIGTERM', async () => {
    const began = performance.now();
    const result = await run([cmd('stubborn', "trap '' TERM; sleep 20", 0.5)]);

    expect(performance.now() - began).toBeLessThan(10_000);
    expect(result.commands[0]).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true });
  });

  it('ends even when a process that left the group holds the output open', async () => {
    const cwd = await tempDir();
    const began = performance.now();
    const result = await run([cmd('escape', 'setsid sleep 20 & echo $! > escaped.pid; wait', 0.5)], { cwd });
    strays.push(await pidFrom(join(cwd, 'escaped.pid')));

    expect(performance.now() - began).toBeLessThan(10_000);
    expect(result.commands[0]).toMatchObject({ exitCode: null, timedOut: true, passed: false });
  });

  it('hashes 5 MB of output as it streams and keeps a bounded tail', async () => {
    const result = await run([
      cmd('one-long-line', "head -c 5000000 /dev/zero | tr '\\0' x"),
      cmd('many-lines', 'seq 1 200000'),
    ], { tailLines: 5 });

    const [long, many] = result.commands;
    expect(long?.stdout.bytes).toBe(5_000_000);
    expect(long?.stdout.sha256).toBe(sha256('x'.repeat(5_000_000)));
    expect(long?.stdout.tail).toEqual(['x'.repeat(500)]);

    const seq = Array.from({ length: 200_000 }, (_, i) => `${i + 1}\n`).join('');
    expect(many?.stdout.bytes).toBe(Buffer.byteLength(seq));
    expect(many?.stdout.sha256).toBe(sha256(seq));
    expect(many?.stdout.tail).toEqual(['199996', '199997', '199998', '199999', '200000']);
  });

  it('keeps the last 20 lines by default, a last line without a newline, and multi-byte text whole', async () => {
    const result = await run([cmd('lines', "seq 1 30; printf 'caf\\303\\251\\r\\nend'")]);
    const tail = result.commands[0]?.stdout.tail;
    expect(tail).toHaveLength(20);
    expect(tail?.slice(-3)).toEqual(['30', 'café', 'end']);
  });

  it('records a command that cannot start as a failure, without throwing', async () => {
    const missing = join(await tempDir(), 'no-such-dir');
    const result = await run([cmd('ok', 'true'), cmd('next', 'true')], { cwd: missing });

    expect(result.passed).toBe(false);
    expect(result.commands[0]).toMatchObject({ exitCode: null, signal: null, timedOut: false, passed: false });
    expect(result.commands[0]?.stderr.tail).toEqual([
      `cutover: cannot start the command: the working directory ${missing} does not exist or is not a directory`,
    ]);
    expect(result.skipped).toEqual(['next']);
  });

  it('refuses an empty suite', async () => {
    await expect(runSuite([], { cwd: '.', now: () => AT })).rejects.toThrow(new Error('a suite needs at least one command'));
  });

  it('passes an interruption of the calling process on to the running command', async () => {
    const dir = await tempDir();
    await build({
      entryPoints: [resolve(import.meta.dirname, '../../src/evidence/runner.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(dir, 'runner.mjs'),
      logLevel: 'silent',
    });
    await writeFile(
      join(dir, 'main.mjs'),
      `import { runSuite } from './runner.mjs';
       await runSuite([{ id: 'hang', run: 'echo $$ > child.pid; exec sleep 20', timeoutSeconds: 60 }],
         { cwd: process.argv[2], now: () => new Date() });`,
    );
    const parent = spawn(process.execPath, [join(dir, 'main.mjs'), dir], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => parent.on('exit', (_code, signal) => done(signal)));
    const child = await pidFrom(join(dir, 'child.pid'));
    strays.push(child);

    parent.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(await eventuallyDead(child)).toBe(true);
  });
});

describe('progressFor', () => {
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } };
  }

  const result = (r: Partial<CommandResult> & Pick<CommandResult, 'id'>): CommandResult => ({
    run: 'true',
    exitCode: 0,
    signal: null,
    timedOut: false,
    durationMs: 1234,
    stdout: { sha256: sha256(''), bytes: 0, tail: [] },
    stderr: { sha256: sha256(''), bytes: 0, tail: [] },
    passed: true,
    ...r,
  });

  it('writes plain lines when the stream is not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const progress = progressFor(stream);
    progress.start('unit-tests', 'npm test');
    progress.finish(result({ id: 'unit-tests', durationMs: 1234 }));
    progress.start('lint', 'npm run lint');
    progress.finish(result({ id: 'lint', exitCode: 1, passed: false, durationMs: 310 }));
    progress.start('e2e', 'npm run e2e');
    progress.finish(result({ id: 'e2e', exitCode: null, signal: 'SIGTERM', timedOut: true, passed: false, durationMs: 5012 }));
    progress.start('crash', 'npm run crash');
    progress.finish(result({ id: 'crash', exitCode: null, signal: 'SIGSEGV', passed: false, durationMs: 40 }));
    progress.start('nowhere', 'true');
    progress.finish(result({ id: 'nowhere', exitCode: null, passed: false, durationMs: 2 }));
    progress.skip('deploy-check');
    progress.close();

    expect(writes.join('')).toBe(
      [
        'start unit-tests',
        'pass unit-tests 1.2s',
        'start lint',
        'FAIL lint exit 1 0.3s',
        'start e2e',
        'TIMEOUT e2e after 5.0s',
        'start crash',
        'FAIL crash signal SIGSEGV 0.0s',
        'start nowhere',
        'FAIL nowhere did not start 0.0s',
        'skip deploy-check',
        '',
      ].join('\n'),
    );
  });

  it('reports a real run in plain lines', async () => {
    const { writes, stream } = fakeStream(false);
    await run([cmd('ok', 'true'), cmd('bad', 'exit 1'), cmd('later', 'true')], { progress: progressFor(stream) });
    expect(writes.join('').split('\n')).toEqual([
      'start ok',
      expect.stringMatching(/^pass ok \d+\.\ds$/),
      'start bad',
      expect.stringMatching(/^FAIL bad exit 1 \d+\.\ds$/),
      'skip later',
      '',
    ]);
  });

  it('redraws a live line on a terminal and ends it with ✓ and the duration', async () => {
    const { writes, stream } = fakeStream(true);
    await run([cmd('nap', 'sleep 0.35')], { progress: progressFor(stream) });
    const out = writes.join('');

    expect(out.startsWith('\r\x1b[K⠋ nap 0.0s')).toBe(true);
    expect(writes.length).toBeGreaterThan(2);
    expect(out).toMatch(/\r\x1b\[K✓ nap \d+\.\ds\n$/);
  });

  it('shows failures, timeouts and skips on a terminal', () => {
    const { writes, stream } = fakeStream(true);
    const progress = progressFor(stream);
    progress.start('lint', 'npm run lint');
    progress.finish(result({ id: 'lint', exitCode: 2, passed: false, durationMs: 310 }));
    progress.start('e2e', 'npm run e2e');
    progress.finish(result({ id: 'e2e', exitCode: null, signal: 'SIGTERM', timedOut: true, passed: false, durationMs: 5012 }));
    progress.skip('deploy-check');
    progress.close();
    const lines = writes.join('').split('\n');

    expect(lines.map((l) => l.replace(/^.*\x1b\[K/s, ''))).toEqual([
      '✗ lint exit 2 0.3s',
      '✗ e2e timed out after 5.0s',
      '- deploy-check skipped',
      '',
    ]);
  });

  it('stops redrawing when closed, and ends the line', async () => {
    const { writes, stream } = fakeStream(true);
    const progress = progressFor(stream);
    progress.start('hang', 'sleep 60');
    progress.close();
    progress.close();
    const written = writes.length;
    await sleep(300);

    expect(writes.length).toBe(written);
    expect(writes.join('').endsWith('\n')).toBe(true);
  });
});

describe('what a command leaves running (issue 16, item 11)', () => {
  it('`sleep 30 & exit 0` passes, is not a time-out, and the sleep is ended with it', async () => {
    const cwd = await tempDir();
    const result = await run([cmd('background', 'sleep 30 & echo $! > bg.pid; exit 0', 20)], { cwd });
    expect(result.commands[0]).toMatchObject({ exitCode: 0, timedOut: false, passed: true });
    expect(await eventuallyDead(await pidFrom(join(cwd, 'bg.pid')))).toBe(true);
  });

  it('a background process with its output redirected is ended too', async () => {
    const cwd = await tempDir();
    const result = await run([cmd('quiet', 'sleep 30 > /dev/null 2>&1 & echo $! > bg.pid', 20)], { cwd });
    expect(result.commands[0]).toMatchObject({ exitCode: 0, timedOut: false, passed: true });
    expect(await eventuallyDead(await pidFrom(join(cwd, 'bg.pid')))).toBe(true);
  });

  it('a process started with setsid (out of the group) is found and ended, holding the output or not', async () => {
    const cwd = await tempDir();
    const result = await run([cmd('escape', 'setsid sleep 30 & echo $! > held.pid; setsid sleep 30 > /dev/null 2>&1 & echo $! > quiet.pid; exit 0', 20)], { cwd });
    expect(result.commands[0]).toMatchObject({ exitCode: 0, timedOut: false, passed: true });
    expect(await eventuallyDead(await pidFrom(join(cwd, 'held.pid')))).toBe(true);
    expect(await eventuallyDead(await pidFrom(join(cwd, 'quiet.pid')))).toBe(true);
  });

  it('a leftover that ignores SIGTERM is killed', async () => {
    const cwd = await tempDir();
    const result = await run([cmd('stubborn-bg', "(trap '' TERM; sleep 30) > /dev/null 2>&1 & echo $! > bg.pid; exit 3", 20)], { cwd });
    expect(result.commands[0]).toMatchObject({ exitCode: 3, timedOut: false, passed: false });
    expect(await eventuallyDead(await pidFrom(join(cwd, 'bg.pid')))).toBe(true);
  });
});
