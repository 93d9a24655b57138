/**
 * Evidence through the built binary, against real producer and consumer repositories: each bad
 * case gets its exit code, a message a release manager understands, and nothing recorded.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, copyOfExample, cutover, EXAMPLE, ledgerOf, ROOT, tempDir, clockAfterExample } from '../support/cli.js';
import { gitFixture, type GitFixture } from '../support/git.js';

const PRODUCER = 'memorykernel-release-owner';
const CONSUMER = 'assistsupport-runtime-owner';
let next = clockAfterExample();

interface World {
  readonly program: string;
  readonly producer: GitFixture;
  readonly consumer: GitFixture;
  readonly baseline: string;
  readonly target: string;
}

/** The example program, a producer repo with v2.9.0 and v3.0.0 (annotated), a consumer repo pinned to v2.9.0. */
function world(): World {
  next = clockAfterExample();
  const program = copyOfExample();
  const producer = gitFixture();
  const baseline = producer.commit({ 'VERSION': 'service.v2\n', 'ci/contract-tests.sh': 'echo contract tests passed\n' });
  producer.annotatedTag('v2.9.0', baseline);
  const target = producer.commit({ 'VERSION': 'service.v3\n' });
  producer.annotatedTag('v3.0.0', target);
  const consumer = gitFixture();
  consumer.commit({ 'ci/integration-tests.sh': 'echo integration tests passed\n', ...pinFiles('v2.9.0', baseline, 'service.v2') });
  return { program, producer, consumer, baseline, target };
}

function pinFiles(tag: string, sha: string, contract: string, manifestShaOverride?: string): Record<string, string> {
  const manifest = JSON.stringify({ release: tag, contracts: [contract] }) + '\n';
  const manifestSha = manifestShaOverride ?? createHash('sha256').update(manifest).digest('hex');
  return {
    'vendor/memorykernel/manifest.json': manifest,
    'config/memorykernel-runtime-target.json': JSON.stringify({ release_tag: tag, commit_sha: sha, expected_service_contract_version: contract, manifest_sha256: manifestSha }) + '\n',
    'docs/RUNTIME_PIN.md': `| MemoryKernel | ${tag} | ${sha} |\n`,
  };
}

function publish(w: World, tag = 'v3.0.0', sha = w.target) {
  return cutover(['-C', w.program, 'target', 'publish', '--tag', tag, '--sha', sha, '--contract', 'service=service.v3', '--repo', w.producer.dir, ...as(PRODUCER, next())]);
}

function status(w: World) {
  return JSON.parse(cutover(['-C', w.program, 'status', '--json', '--at', '2026-02-10T00:00:00Z']).stdout) as {
    blockers: { gate: string; missing: string[]; details: string[] }[];
    target: { tag: string; verified: boolean; problems: string[] } | null;
    evidence: { party: string; kind: string; result: string; stale: boolean }[];
  };
}

describe('target publish, check and verify against the producer repository', () => {
  it('a tag pointing one commit after the SHA a document names: exit 1, what the tag really points at, nothing recorded', () => {
    const w = world();
    const after = w.producer.commit({ 'VERSION': 'service.v3 + hotfix\n' });
    w.producer.git('tag', '-f', '-a', '-m', 'moved', 'v3.0.0', after);
    const before = ledgerOf(w.program);
    const run = publish(w);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('v3.0.0 @ ' + w.target + ' is not a real release target');
    expect(run.stderr).toContain(`tag v3.0.0 points at ${after}`);
    expect(run.stderr).toContain('1 commit after the SHA given');
    expect(ledgerOf(w.program)).toBe(before);

    const check = cutover(['target', 'check', '--repo', w.producer.dir, '--tag', 'v3.0.0', '--sha', w.target, '--json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: false, tagCommit: after, relation: { kind: 'descendant', distance: 1 } });
  });

  it('a SHA that belongs to a different tag is named as such', () => {
    const w = world();
    const run = cutover(['target', 'check', '--repo', w.producer.dir, '--tag', 'v3.0.0', '--sha', w.baseline]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('tagged v2.9.0');
  });

  it('target check needs no program and works on a bare repository: exit 0 for a real pair', () => {
    const w = world();
    const bare = w.producer.cloneBare();
    const run = cutover(['target', 'check', '--repo', bare, '--tag', 'v3.0.0', '--sha', w.target], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('annotated tag');
    expect(cutover(['target', 'check', '--repo', tempDir(), '--tag', 'v3.0.0', '--sha', w.target]).code).toBe(2);
  });

  it('a tag deleted and re-created on another commit after publication: target verify exits 1, records the failure, and the gate reopens', () => {
    const w = world();
    expect(publish(w).code).toBe(0);
    expect(status(w).target).toMatchObject({ tag: 'v3.0.0', verified: true });
    expect(status(w).blockers.map((b) => b.gate)).not.toContain('target-published');
    w.producer.deleteTag('v3.0.0');
    const other = w.producer.commit({ 'VERSION': 'something else\n' });
    w.producer.annotatedTag('v3.0.0', other);
    const verify = cutover(['-C', w.program, 'target', 'verify', '--repo', w.producer.dir, ...as(PRODUCER, next())]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('FAILED');
    const after = status(w);
    expect(after.target).toMatchObject({ verified: false });
    expect(after.target!.problems.join(' ')).toMatch(/re-created|moved/);
    expect(after.blockers.map((b) => b.gate)).toContain('target-published');
  });
});

describe('atomic repin evidence from the consumer repository', () => {
  it('one commit changing every pin-set file to the target is accepted, with its files and blob hashes', () => {
    const w = world();
    publish(w);
    const commit = w.consumer.commit(pinFiles('v3.0.0', w.target, 'service.v3'));
    const run = cutover(['-C', w.program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', w.consumer.dir, '--commit', commit, ...as(CONSUMER, next())]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const event = JSON.parse(ledgerOf(w.program).trimEnd().split('\n').at(-1)!);
    expect(event.data).toMatchObject({ kind: 'repin', commit, result: 'pass' });
    expect(event.data.files).toContainEqual({ path: 'docs/RUNTIME_PIN.md', blob: w.consumer.rev(`${commit}:docs/RUNTIME_PIN.md`) });
    expect(status(w).blockers.find((b) => b.gate === 'runtime-evidence')!.missing).toEqual(['producer runtime handoff payload']);
  });

  it('a commit that changes only two of the three pin-set files is refused, naming the one left out and how to amend it; nothing recorded', () => {
    const w = world();
    publish(w);
    const { 'vendor/memorykernel/manifest.json': _kept, ...two } = pinFiles('v3.0.0', w.target, 'service.v3', createHash('sha256').update(JSON.stringify({ release: 'v2.9.0', contracts: ['service.v2'] }) + '\n').digest('hex'));
    const commit = w.consumer.commit(two);
    const before = ledgerOf(w.program);
    const run = cutover(['-C', w.program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', w.consumer.dir, '--commit', commit, ...as(CONSUMER, next())]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not an atomic repin: it changes 2 of the 3 pin-set files; not changed: vendor/memorykernel/manifest.json');
    expect(run.stderr).toContain(`commit ${commit} is not an accepted repin to v3.0.0 @ ${w.target}; nothing was recorded`);
    expect(run.stderr).toContain('amend the commit so that one commit changes every pin-set file: change vendor/memorykernel/manifest.json, git add it, git commit --amend');
    expect(ledgerOf(w.program)).toBe(before);
  });

  it('a pin whose mirrored manifest hash does not match is refused', () => {
    const w = world();
    publish(w);
    const commit = w.consumer.commit(pinFiles('v3.0.0', w.target, 'service.v3', 'f'.repeat(64)));
    const run = cutover(['-C', w.program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', w.consumer.dir, '--commit', commit, ...as(CONSUMER, next())]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/vendor\/memorykernel\/manifest\.json has sha256 [0-9a-f]{64}, but config\/memorykernel-runtime-target\.json \/manifest_sha256 records "f{64}"/);
  });

  it('a pin naming another target is refused with the value found and the value expected', () => {
    const w = world();
    publish(w);
    const commit = w.consumer.commit(pinFiles('v3.0.0', w.baseline, 'service.v3'));
    const run = cutover(['-C', w.program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', w.consumer.dir, '--commit', commit, ...as(CONSUMER, next())]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`config/memorykernel-runtime-target.json /commit_sha is "${w.baseline}", expected the target's sha "${w.target}"`);
  });
});

describe('handoff payloads', () => {
  function payloadWith(w: World, edit: (p: Record<string, unknown>) => void): string {
    const generated = cutover(['-C', w.program, 'handoff', 'generate', '--at', '2026-02-09T12:00:00Z']);
    expect(generated.code).toBe(0);
    const payload = JSON.parse(generated.stdout);
    edit(payload);
    writeFileSync(join(w.program, 'handoff.json'), JSON.stringify(payload, null, 2));
    return 'handoff.json';
  }

  it('error codes that differ only in order are accepted, and recorded with the file sha256', () => {
    const w = world();
    publish(w);
    const file = payloadWith(w, (p) => void (p.error_codes as string[]).reverse());
    expect(cutover(['-C', w.program, 'handoff', 'verify', '--file', join(w.program, file)]).code).toBe(0);
    const run = cutover(['-C', w.program, 'evidence', 'add', '--kind', 'handoff-payload', '--party', 'memorykernel', '--file', file, ...as(PRODUCER, next())]);
    expect(run.code).toBe(0);
    expect(status(w).evidence).toContainEqual(expect.objectContaining({ party: 'memorykernel', kind: 'handoff-payload', result: 'pass', stale: false }));
  });

  it('one code missing and one unexpected are rejected, named, and nothing is recorded', () => {
    const w = world();
    publish(w);
    const file = payloadWith(w, (p) => {
      const codes = p.error_codes as string[];
      codes.splice(codes.indexOf('CONFLICT'), 1, 'TEAPOT');
    });
    const verify = cutover(['-C', w.program, 'handoff', 'verify', '--file', join(w.program, file)]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('error codes missing from the payload: CONFLICT');
    expect(verify.stdout).toContain('unexpected error codes in the payload: TEAPOT');
    const before = ledgerOf(w.program);
    expect(cutover(['-C', w.program, 'evidence', 'add', '--kind', 'handoff-payload', '--party', 'memorykernel', '--file', file, ...as(PRODUCER, next())]).code).toBe(1);
    expect(ledgerOf(w.program)).toBe(before);
  });

  it('a file that is not a payload is bad input (exit 2) naming the field', () => {
    const w = world();
    publish(w);
    const file = payloadWith(w, (p) => void delete p.consumer_impact);
    const run = cutover(['-C', w.program, 'handoff', 'verify', '--file', join(w.program, file)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('field consumer_impact');
  });
});

describe('verification runs and rollback evidence', () => {
  it('a passing run is recorded with its output digests, head and host; a failing one is recorded too and exits 1', () => {
    const w = world();
    publish(w);
    const pass = cutover(['-C', w.program, 'evidence', 'run', '--party', 'memorykernel', '--cwd', w.producer.dir, ...as(PRODUCER, next())]);
    expect(pass.code).toBe(0);
    expect(pass.stderr).toContain('pass contract-tests');
    const event = JSON.parse(ledgerOf(w.program).trimEnd().split('\n').at(-1)!);
    const output = 'contract tests passed\n';
    expect(event.data.run).toMatchObject({ suite: 'contract', passed: true, head: w.producer.rev('HEAD') });
    expect(event.data.run.commands[0]).toMatchObject({ exitCode: 0, stdout: { sha256: `sha256:${createHash('sha256').update(output).digest('hex')}`, tail: ['contract tests passed'] } });

    expect(event.data.checkout).toEqual({ commit: w.target });

    // The consumer's run at a commit after its repin that leaves the pin set as it is counts, and fails here.
    const repin = w.consumer.commit(pinFiles('v3.0.0', w.target, 'service.v3'));
    expect(cutover(['-C', w.program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', w.consumer.dir, '--commit', repin, ...as(CONSUMER, next())]).code).toBe(0);
    const later = w.consumer.commit({ 'ci/integration-tests.sh': 'echo "2 failed" >&2; exit 3\n' });
    const fail = cutover(['-C', w.program, 'evidence', 'run', '--party', 'assistsupport', '--cwd', w.consumer.dir, ...as(CONSUMER, next())]);
    expect(fail.code, fail.stderr).toBe(1);
    const failed = JSON.parse(ledgerOf(w.program).trimEnd().split('\n').at(-1)!);
    expect(failed.data.checkout.commit).toBe(later);
    expect(failed.data.checkout.pins).toContainEqual({ path: 'docs/RUNTIME_PIN.md', blob: w.consumer.rev(`${repin}:docs/RUNTIME_PIN.md`) });
    expect(fail.stdout).toContain('FAIL');
    expect(status(w).evidence).toContainEqual(expect.objectContaining({ kind: 'verification-run', result: 'fail' }));
  });

  it('rollback evidence runs the suite against the restored baseline and needs a recorded baseline', () => {
    const w = world();
    publish(w);
    const noBaseline = cutover(['-C', w.program, 'evidence', 'add', '--kind', 'rollback-execution', '--party', 'memorykernel', '--verdict', 'PASS', '--cwd', w.producer.dir, ...as(PRODUCER, next())]);
    expect(noBaseline.code).toBe(2);
    expect(noBaseline.stderr).toContain('there is no rollback target');
    expect(noBaseline.stderr).toContain('cutover target publish --baseline');
    expect(noBaseline.stderr).not.toContain('contract-tests'); // refused before the suite ran
    cutover(['-C', w.program, 'target', 'publish', '--baseline', '--tag', 'v2.9.0', '--sha', w.baseline, '--contract', 'service=service.v2', '--repo', w.producer.dir, ...as(PRODUCER, next())]);
    const producerAtBaseline = worktreeAt(w.producer, w.baseline);
    const consumerAtBaseline = worktreeAt(w.consumer, w.consumer.rev('HEAD'));
    for (const [party, role, repo] of [['memorykernel', PRODUCER, producerAtBaseline], ['assistsupport', CONSUMER, consumerAtBaseline]] as const) {
      const run = cutover(['-C', w.program, 'evidence', 'add', '--kind', 'rollback-execution', '--party', party, '--verdict', 'PASS', '--cwd', repo, ...as(role, next())]);
      expect(run.code, run.stderr).toBe(0);
    }
    expect(status(w).blockers.map((b) => b.gate)).not.toContain('rollback-evidence');
  });

  it("a producer's rollback execution at the wrong commit is refused, naming both commits; nothing recorded, the suite not run", () => {
    const w = world();
    cutover(['-C', w.program, 'target', 'publish', '--baseline', '--tag', 'v2.9.0', '--sha', w.baseline, '--contract', 'service=service.v2', '--repo', w.producer.dir, ...as(PRODUCER, next())]);
    publish(w);
    w.producer.git('checkout', '-q', 'main'); // at v3.0.0, after the rollback target
    const before = ledgerOf(w.program);
    const run = cutover(['-C', w.program, 'evidence', 'add', '--kind', 'rollback-execution', '--party', 'memorykernel', '--verdict', 'PASS', '--cwd', w.producer.dir, ...as(PRODUCER, next())]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`rollback-execution evidence from memorykernel must run at the rollback target's commit ${w.baseline}`);
    expect(run.stderr).toContain(`is at commit ${w.target}, not at the rollback target v2.9.0 @ ${w.baseline}`);
    expect(run.stderr).not.toContain('contract-tests');
    expect(ledgerOf(w.program)).toBe(before);
  });

  it("a consumer's rollback drill where the pin set names another target is refused, naming the pin; nothing recorded", () => {
    const w = world();
    cutover(['-C', w.program, 'target', 'publish', '--baseline', '--tag', 'v2.9.0', '--sha', w.baseline, '--contract', 'service=service.v2', '--repo', w.producer.dir, ...as(PRODUCER, next())]);
    publish(w);
    const repin = w.consumer.commit(pinFiles('v3.0.0', w.target, 'service.v3'));
    const before = ledgerOf(w.program);
    const run = cutover(['-C', w.program, 'evidence', 'add', '--kind', 'rollback-drill', '--party', 'assistsupport', '--verdict', 'READY', '--cwd', w.consumer.dir, ...as(CONSUMER, next())]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('rollback-drill evidence from assistsupport must run where its pin set names the rollback target v2.9.0');
    expect(run.stderr).toContain(`(commit ${repin}): config/memorykernel-runtime-target.json /release_tag is "v3.0.0", expected the target's tag "v2.9.0"`);
    expect(ledgerOf(w.program)).toBe(before);
  });
});

describe('evidence add --at-rollback-target: cutover checks the rollback target out for the run', () => {
  const rollbackRuns = (program: string) =>
    cutover(['-C', program, 'log', '--json'])
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: { party?: string; kind?: string; run?: { head: string } } })
      .filter((e) => e.type === 'evidence.added' && e.data.kind === 'rollback-execution')
      .map((e) => [e.data.party, e.data.run?.head]);

  it('runs the producer at the rollback commit and the consumer at the commit before its repin, from checkouts at the target, and leaves no worktree', () => {
    const w = world();
    cutover(['-C', w.program, 'target', 'publish', '--baseline', '--tag', 'v2.9.0', '--sha', w.baseline, '--contract', 'service=service.v2', '--repo', w.producer.dir, ...as(PRODUCER, next())]);
    publish(w);
    const pinnedToBaseline = w.consumer.rev('HEAD');
    w.consumer.commit(pinFiles('v3.0.0', w.target, 'service.v3')); // the repin: HEAD no longer pins v2.9.0
    for (const [party, role, repo] of [['memorykernel', PRODUCER, w.producer.dir], ['assistsupport', CONSUMER, w.consumer.dir]] as const) {
      const run = cutover(['-C', w.program, 'evidence', 'add', '--kind', 'rollback-execution', '--party', party, '--verdict', 'PASS', '--cwd', repo, '--at-rollback-target', ...as(role, next())]);
      expect(run.code, run.stderr).toBe(0);
    }
    expect(rollbackRuns(w.program)).toEqual([['memorykernel', w.baseline], ['assistsupport', pinnedToBaseline]]);
    // The checkouts stay where they were, and the temporary worktrees are gone.
    expect(w.producer.rev('HEAD')).toBe(w.target);
    for (const repo of [w.producer, w.consumer]) expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(status(w).blockers.map((b) => b.gate)).not.toContain('rollback-evidence');
  });

  it('a repository without the rollback commit is refused before anything runs; nothing recorded', () => {
    const w = world();
    cutover(['-C', w.program, 'target', 'publish', '--baseline', '--tag', 'v2.9.0', '--sha', w.baseline, '--contract', 'service=service.v2', '--repo', w.producer.dir, ...as(PRODUCER, next())]);
    const elsewhere = gitFixture();
    elsewhere.commit({ 'ci/contract-tests.sh': 'echo contract tests passed\n' });
    const before = ledgerOf(w.program);
    const run = cutover(['-C', w.program, 'evidence', 'add', '--kind', 'rollback-execution', '--party', 'memorykernel', '--verdict', 'PASS', '--cwd', elsewhere.dir, '--at-rollback-target', ...as(PRODUCER, next())]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`has no commit ${w.baseline}`);
    expect(ledgerOf(w.program)).toBe(before);
    expect(elsewhere.git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});

/** A second checkout of `repo` at `commit` (git worktree), where a rollback suite runs. */
function worktreeAt(repo: GitFixture, commit: string): string {
  const dir = join(repo.root, `at-${commit.slice(0, 7)}`);
  repo.git('worktree', 'add', '-q', '--detach', dir, commit);
  return dir;
}

describe('artifacts', () => {
  it('are hashed, confined to the program folder, and re-checked: a changed or vanished file is named', () => {
    const w = world();
    publish(w);
    mkdirSync(join(w.program, 'evidence'));
    writeFileSync(join(w.program, 'evidence/drill.log'), 'drill ok\n');
    writeFileSync(join(w.program, 'evidence/bundle.tgz'), 'bytes');
    for (const file of ['evidence/drill.log', 'evidence/bundle.tgz']) {
      expect(cutover(['-C', w.program, 'evidence', 'add', '--kind', 'artifact', '--party', 'memorykernel', '--file', file, ...as(PRODUCER, next())]).code).toBe(0);
    }
    expect(cutover(['-C', w.program, 'evidence', 'check']).code).toBe(0);
    writeFileSync(join(w.program, 'evidence/drill.log'), 'drill FAILED\n');
    rmSync(join(w.program, 'evidence/bundle.tgz'));
    const check = cutover(['-C', w.program, 'evidence', 'check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('evidence/drill.log  CHANGED');
    expect(check.stdout).toContain('evidence/bundle.tgz  VANISHED');

    const outside = join(tempDir(), 'secret.txt');
    writeFileSync(outside, 'x');
    symlinkSync(outside, join(w.program, 'evidence/link.txt'));
    const before = ledgerOf(w.program);
    for (const file of ['../secret.txt', outside, 'evidence/link.txt']) {
      const run = cutover(['-C', w.program, 'evidence', 'add', '--kind', 'artifact', '--party', 'memorykernel', '--file', file, ...as(PRODUCER, next())]);
      expect(run.code, file).toBe(2);
      expect(run.stderr, file).toMatch(/--file .*: expected (a file inside|an existing file)/);
    }
    expect(ledgerOf(w.program)).toBe(before);
  });
});

describe('the scripted end-to-end run', () => {
  it("evidence-demo.sh clears the seed's four blockers one by one, brings them back with a new target, and clears them again", () => {
    const out = execFileSync('bash', [join(EXAMPLE, 'evidence-demo.sh')], { env: { PATH: process.env.PATH ?? '', HOME: tempDir(), CUTOVER_BIN: join(ROOT, 'bin/cutover.js') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const steps = out.split('\n').filter((l) => l.includes('blockers before Phase 8:')).map((l) => l.replace(/ \(missing: [^)]*\)/g, '').split(': ')[1]);
    expect(steps).toEqual([
      'target-published, bilateral-go, runtime-evidence, rollback-evidence',
      'bilateral-go, runtime-evidence, rollback-evidence',
      'bilateral-go, runtime-evidence, rollback-evidence',
      'bilateral-go, rollback-evidence',
      'bilateral-go',
      'none',
      'target-published, bilateral-go, runtime-evidence, rollback-evidence',
      'none',
    ]);
    expect(out).toContain('(missing: consumer atomic repin evidence against the same runtime target)');
    expect(out.match(/runtime-cutover: GO/g)).toHaveLength(2);
  });
});

describe('verify --recheck: the claims of evidence events, re-read in the repositories', () => {
  it('holds on the day they were recorded; a moved tag, a rewritten repin and a changed file are each named by seq', () => {
    const w = world();
    expect(publish(w).code).toBe(0);
    const repin = w.consumer.commit(pinFiles('v3.0.0', w.target, 'service.v3'));
    expect(cutover(['-C', w.program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', w.consumer.dir, '--commit', repin, ...as(CONSUMER, next())]).code).toBe(0);
    mkdirSync(join(w.program, 'evidence'));
    writeFileSync(join(w.program, 'evidence/drill.log'), 'drill ok\n');
    expect(cutover(['-C', w.program, 'evidence', 'add', '--kind', 'artifact', '--party', 'memorykernel', '--file', 'evidence/drill.log', ...as(PRODUCER, next())]).code).toBe(0);
    const repos = ['--repo', `memorykernel=${w.producer.dir}`, '--repo', `assistsupport=${w.consumer.dir}`];

    const clean = cutover(['-C', w.program, 'verify', '--recheck', ...repos]);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/ok: 3 hold, 0 no longer hold, 0 not checked/);

    // The tag is moved, the consumer's history rewritten so the repin commit is gone, the log edited.
    const after = w.producer.commit({ VERSION: 'service.v3 + hotfix\n' });
    w.producer.git('tag', '-f', '-a', '-m', 'moved', 'v3.0.0', after);
    w.consumer.git('reset', '--hard', 'HEAD~1');
    w.consumer.git('reflog', 'expire', '--expire=now', '--all');
    w.consumer.git('gc', '--prune=now', '--quiet');
    writeFileSync(join(w.program, 'evidence/drill.log'), 'drill FAILED\n');
    const broken = cutover(['-C', w.program, 'verify', '--recheck', ...repos, '--json']);
    expect(broken.code).toBe(1);
    const claims = (JSON.parse(broken.stdout) as { claims: { seq: number; status: string; problems: string[] }[] }).claims;
    expect(claims.map((c) => [c.seq, c.status])).toEqual([[8, 'broken'], [9, 'broken'], [10, 'broken']]);
    expect(claims[0]!.problems.join(' ')).toContain(`tag v3.0.0 moved: it pointed at ${w.target} when published, now at ${after}`);

    const partial = cutover(['-C', w.program, 'verify', '--recheck', '--repo', `memorykernel=${w.producer.dir}`]);
    expect(partial.stdout).toContain('no --repo assistsupport=<folder> given');
    expect(cutover(['-C', w.program, 'verify', '--recheck', '--repo', 'nobody=/tmp']).code).toBe(2);
  });
});
