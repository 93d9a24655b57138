/**
 * Records that follow the ledger without a person: the scheduled job of examples/ci/cutover-sync.yml,
 * run step by step on two real repositories, leaves the other party's `render --check` green.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { as, BIN, clockAfterExample, copyOfExample, cutover, EXAMPLE, ROOT, tempDir } from '../support/cli.js';
import { gitFixture, type GitFixture } from '../support/git.js';

const WORKFLOW = join(ROOT, 'examples/ci/cutover-sync.yml');

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
}

/** A party's repository with the example program in cutover/ and its records rendered and committed. */
function partyRepo(party: string): GitFixture {
  const repo = gitFixture();
  cpSync(EXAMPLE, join(repo.dir, 'cutover'), { recursive: true });
  const rendered = cutover(['-C', join(repo.dir, 'cutover'), 'render', '--all', '--party', party]);
  expect(rendered.code, rendered.stderr).toBe(0);
  repo.commit({}, `${party}: program and records`);
  return repo;
}

/** git outside any fixture, with no user or system configuration. */
function git(cwd: string, home: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: home, GIT_CONFIG_NOSYSTEM: '1' }, encoding: 'utf8' }).trim();
}

/** A CI runner's workspace: a clone of `origin`, with the other party's repository checked out at other/. */
function checkout(origin: string, other: string, home: string): string {
  const ws = join(tempDir(), 'workspace');
  git(tempDir(), home, 'clone', '-q', origin, ws);
  git(ws, home, 'clone', '-q', other, join(ws, 'other'));
  return ws;
}

/** The workflow's steps that run commands, minus the install (the built binary stands in for the installed one, on PATH). */
function jobSteps(): { env: Record<string, string>; steps: { name: string; run: string }[] } {
  const job = (parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: { sync: { env: Record<string, string>; steps: Step[] } } }).jobs.sync;
  const steps = job.steps.filter((s): s is Step & { run: string; name: string } => s.run !== undefined && s.name !== 'install cutover');
  return { env: job.env, steps };
}

/** Run the scheduled job's commands in `ws` as the runner would (bash -e per step); returns each step's output. */
function runJob(ws: string, home: string): string[] {
  const bin = join(tempDir(), 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'cutover'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'cutover'), 0o755);
  const { env, steps } = jobSteps();
  return steps.map((step) => {
    const run = spawnSync('bash', ['-e', '-c', step.run], {
      cwd: ws,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: home, GIT_CONFIG_NOSYSTEM: '1', ...env },
      encoding: 'utf8',
    });
    expect(run.status, `${step.name}: ${run.stderr}`).toBe(0);
    return run.stdout;
  });
}

/** The push job's checks (docs/ci.md): verify, sync from the other copy, then the records against the ledger. */
function pushChecks(ws: string): { sync: number; check: ReturnType<typeof cutover> } {
  expect(cutover(['-C', 'cutover', 'verify'], { cwd: ws }).code).toBe(0);
  const sync = cutover(['-C', 'cutover', 'sync', '--from', 'other/cutover'], { cwd: ws }).code;
  return { sync, check: cutover(['-C', 'cutover', 'render', '--check', '--party', 'memorykernel', '--format', 'github'], { cwd: ws }) };
}

describe('the scheduled sync job (examples/ci/cutover-sync.yml)', () => {
  it("after the consumer records, the producer's job syncs, renders and commits; its render --check is then green with no human step", () => {
    const next = clockAfterExample();
    const producer = partyRepo('memorykernel');
    const origin = producer.cloneBare('origin.git');
    const consumer = partyRepo('assistsupport');
    const home = producer.root;

    // The consumer records an event in its own repository and commits it with its records.
    const recorded = cutover(['-C', join(consumer.dir, 'cutover'), 'verdict', 'runtime-cutover', 'NO-GO', '--note', 'repin next week', ...as('assistsupport-runtime-owner', next())]);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(cutover(['-C', join(consumer.dir, 'cutover'), 'render', '--all', '--party', 'assistsupport']).code).toBe(0);
    consumer.commit({}, 'assistsupport: verdict and records');

    // Without the job, the producer's push checks fail on records it never edited, and say exactly what to run.
    const before = pushChecks(checkout(origin, consumer.dir, home));
    expect(before.sync).toBe(0);
    expect(before.check.code).toBe(1);
    expect(before.check.stdout).toContain('differs from what the ledger renders now (seq 8)');
    expect(before.check.stdout).toMatch(/^::error file=.*::.*run cutover -C cutover render --all --party memorykernel and commit$/m);
    expect(before.check.stderr).toContain('regenerate with cutover -C cutover render --all --party memorykernel\n');

    // The scheduled job, on a fresh runner.
    const commits = Number(git(origin, home, 'rev-list', '--count', 'main'));
    const output = runJob(checkout(origin, consumer.dir, home), home).join('');
    expect(output).toContain('fast-forwarded 1 event (seq 8–8)');
    expect(output).toMatch(/wrote docs\/implementation\/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08\.md \(producer-decision-record, seq 8\)/);
    expect(Number(git(origin, home, 'rev-list', '--count', 'main'))).toBe(commits + 1);
    expect(git(origin, home, 'log', '-1', '--format=%s', 'main')).toBe('cutover: ledger synced to seq 8, memorykernel records rendered');
    // It committed the ledger and the records, and nothing of the other checkout.
    const changed = git(origin, home, 'show', '--name-only', '--format=', 'main').split('\n').sort();
    expect(changed).toContain('cutover/.cutover/ledger.jsonl');
    expect(changed).toContain('docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08.md');
    expect(changed.filter((f) => f.startsWith('other'))).toEqual([]);

    // The next push job is green: the records follow the ledger.
    const after = pushChecks(checkout(origin, consumer.dir, home));
    expect(after.sync).toBe(0);
    expect(after.check.code, after.check.stdout).toBe(0);
    expect(after.check.stdout).toContain('up to date with seq 8');

    // Run again with nothing new: no commit.
    expect(runJob(checkout(origin, consumer.dir, home), home).join('')).toContain('nothing moved');
    expect(Number(git(origin, home, 'rev-list', '--count', 'main'))).toBe(commits + 1);
  });
});

describe('sync --render and render --all', () => {
  it('sync --render needs --party, refuses an unknown one before syncing, and --party alone is refused', () => {
    const dir = copyOfExample();
    const other = copyOfExample();
    const ledger = readFileSync(join(dir, '.cutover/ledger.jsonl'), 'utf8');
    expect(cutover(['-C', dir, 'sync', '--from', other, '--render']).stderr).toContain('--party <party>');
    const unknown = cutover(['-C', dir, 'sync', '--from', other, '--render', '--party', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('nobody');
    expect(cutover(['-C', dir, 'sync', '--from', other, '--party', 'memorykernel']).code).toBe(2);
    expect(readFileSync(join(dir, '.cutover/ledger.jsonl'), 'utf8')).toBe(ledger);
  });

  it('render --all from a program folder outside any git repository prints the absolute path of each file it wrote', () => {
    const dir = copyOfExample();
    const run = cutover(['-C', dir, 'render', '--all', '--party', 'memorykernel'], { cwd: ROOT });
    expect(run.code, run.stderr).toBe(0);
    const wrote = run.stdout.trimEnd().split('\n');
    expect(wrote.length).toBeGreaterThan(1);
    for (const line of wrote) {
      const path = /^wrote (\S+) \(/.exec(line)![1]!;
      expect(path.startsWith(`${dir}/`), line).toBe(true);
      expect(existsSync(path)).toBe(true);
    }
    expect(run.stderr).toContain('is not in a git repository: records are written under it');
  });
});
