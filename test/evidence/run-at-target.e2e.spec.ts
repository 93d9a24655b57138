/**
 * A verification run counts only where it ran at the target (issue 23, item 1), through the built
 * binary on real producer and consumer repositories: a run elsewhere is refused before its suite runs,
 * with nothing recorded; --at-target runs it in a temporary worktree at the right commit; a hand-signed
 * line claiming a run at another commit is refused by verify, while lines written before the rule (and
 * the example ledger) still verify.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, clockAfterExample, copyOfExample, cutover, EXAMPLE, forgeEvent, ledgerOf } from '../support/cli.js';
import { gitFixture, type GitFixture } from '../support/git.js';

const PRODUCER = 'memorykernel-release-owner';
const CONSUMER = 'assistsupport-runtime-owner';
const LOG_OWNER = 'integration-program-owner';

interface World {
  readonly program: string;
  readonly producer: GitFixture;
  readonly consumer: GitFixture;
  readonly target: string;
  /** A work-in-progress commit after the target, checked out in the producer's repository. */
  readonly wip: string;
  readonly next: () => string;
}

function pinFiles(tag: string, sha: string, contract: string): Record<string, string> {
  const manifest = JSON.stringify({ release: tag, contracts: [contract] }) + '\n';
  return {
    'vendor/memorykernel/manifest.json': manifest,
    'config/memorykernel-runtime-target.json':
      JSON.stringify({ release_tag: tag, commit_sha: sha, expected_service_contract_version: contract, manifest_sha256: createHash('sha256').update(manifest).digest('hex') }) + '\n',
    'docs/RUNTIME_PIN.md': `| MemoryKernel | ${tag} | ${sha} |\n`,
  };
}

/** The example program with v3.0.0 published; the producer's checkout is at a "wip v3" commit after it. */
function world(): World {
  const next = clockAfterExample();
  const program = copyOfExample();
  const producer = gitFixture();
  const baseline = producer.commit({ VERSION: 'service.v2\n', 'ci/contract-tests.sh': 'echo "api tests ok: $(cat VERSION)"\n' });
  producer.annotatedTag('v2.9.0', baseline);
  const target = producer.commit({ VERSION: 'service.v3\n' });
  producer.annotatedTag('v3.0.0', target);
  const wip = producer.commit({ VERSION: 'v3-dev\n' }, 'wip v3');
  const consumer = gitFixture();
  consumer.commit({ 'ci/integration-tests.sh': 'echo integration tests passed\n', ...pinFiles('v2.9.0', baseline, 'service.v2') });
  const published = cutover(['-C', program, 'target', 'publish', '--tag', 'v3.0.0', '--sha', target, '--contract', 'service=service.v3', '--repo', producer.dir, ...as(PRODUCER, next())]);
  expect(published.code, published.stderr).toBe(0);
  return { program, producer, consumer, target, wip, next };
}

function lastEvent(program: string): { seq: number; data: Record<string, any> } {
  return JSON.parse(ledgerOf(program).trimEnd().split('\n').at(-1)!);
}

function runProducer(w: World, ...flags: string[]) {
  return cutover(['-C', w.program, 'evidence', 'run', '--party', 'memorykernel', '--cwd', w.producer.dir, ...flags, ...as(PRODUCER, w.next())]);
}

function repin(w: World): string {
  const commit = w.consumer.commit(pinFiles('v3.0.0', w.target, 'service.v3'), 'repin MemoryKernel to v3.0.0');
  const recorded = cutover(['-C', w.program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', w.consumer.dir, '--commit', commit, ...as(CONSUMER, w.next())]);
  expect(recorded.code, recorded.stderr).toBe(0);
  return commit;
}

describe("the producer's verification run is tied to the target", () => {
  it('at a wip commit after the target: refused before the suite runs, naming both commits; nothing recorded', () => {
    const w = world();
    const before = ledgerOf(w.program);
    const run = runProducer(w);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`verification-run evidence from memorykernel counts only at the target's commit ${w.target}; nothing was recorded`);
    expect(run.stderr).toContain(`${w.producer.dir} is at commit ${w.wip}, not at the target v3.0.0 @ ${w.target}`);
    expect(run.stderr).toContain('--at-target');
    expect(run.stdout + run.stderr).not.toContain('api tests ok'); // the suite never ran
    expect(ledgerOf(w.program)).toBe(before);
  });

  it('the same run with --at-target: run in a temporary worktree at the target, recorded with its commit; the checkout is left as it was', () => {
    const w = world();
    const run = runProducer(w, '--at-target');
    expect(run.code, run.stderr).toBe(0);
    const event = lastEvent(w.program);
    expect(event.data).toMatchObject({ kind: 'verification-run', result: 'pass', target: { tag: 'v3.0.0', sha: w.target }, checkout: { commit: w.target } });
    expect(event.data.run.head).toBe(w.target);
    expect(event.data.run.commands[0].stdout.tail).toEqual(['api tests ok: service.v3']); // the target's code, not the wip
    expect(w.producer.rev('HEAD')).toBe(w.wip);
    expect(w.producer.git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(cutover(['-C', w.program, 'verify']).code).toBe(0);
  });

  it('a folder that is not a git checkout is refused: nothing shows which commit the suite would run at', () => {
    const w = world();
    const run = cutover(['-C', w.program, 'evidence', 'run', '--party', 'memorykernel', '--cwd', w.producer.root, ...as(PRODUCER, w.next())]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${w.producer.root} is not a git checkout`);
  });
});

describe("a consumer's verification run is tied to its repin", () => {
  it('needs an accepted repin, then counts at the repin or a later commit that leaves the pin set unchanged', () => {
    const w = world();
    const noRepin = cutover(['-C', w.program, 'evidence', 'run', '--party', 'assistsupport', '--cwd', w.consumer.dir, ...as(CONSUMER, w.next())]);
    expect(noRepin.code).toBe(1);
    expect(noRepin.stderr).toContain('no accepted repin of assistsupport to v3.0.0');
    expect(noRepin.stderr).toContain('cutover evidence repin --party assistsupport');

    const repinCommit = repin(w);
    const later = w.consumer.commit({ 'src/feature.txt': 'unrelated work\n' });
    const atLater = cutover(['-C', w.program, 'evidence', 'run', '--party', 'assistsupport', '--cwd', w.consumer.dir, ...as(CONSUMER, w.next())]);
    expect(atLater.code, atLater.stderr).toBe(0);
    expect(lastEvent(w.program).data.checkout.commit).toBe(later);
    // --at-target runs at HEAD when HEAD's pinned files are the repin's: the newest code on the repinned state.
    expect(cutover(['-C', w.program, 'evidence', 'run', '--party', 'assistsupport', '--cwd', w.consumer.dir, '--at-target', ...as(CONSUMER, w.next())]).code).toBe(0);
    expect(lastEvent(w.program).data.checkout.commit).toBe(later);

    // A commit that moves a pin file away from the repin's: refused, naming the file; --at-target runs at the repin.
    const moved = w.consumer.commit({ 'docs/RUNTIME_PIN.md': `| MemoryKernel | v3.0.0-rc1 | ${w.target} |\n` });
    const before = ledgerOf(w.program);
    const refused = cutover(['-C', w.program, 'evidence', 'run', '--party', 'assistsupport', '--cwd', w.consumer.dir, ...as(CONSUMER, w.next())]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`counts only at its repin commit ${repinCommit} or a later commit that leaves the pin-set files unchanged; nothing was recorded`);
    expect(refused.stderr).toContain(`docs/RUNTIME_PIN.md at commit ${moved} (${w.consumer.dir}) is blob ${w.consumer.rev(`${moved}:docs/RUNTIME_PIN.md`)}, not the blob ${w.consumer.rev(`${repinCommit}:docs/RUNTIME_PIN.md`)} the repin in ${repinCommit} recorded`);
    expect(ledgerOf(w.program)).toBe(before);

    const atTarget = cutover(['-C', w.program, 'evidence', 'run', '--party', 'assistsupport', '--cwd', w.consumer.dir, '--at-target', ...as(CONSUMER, w.next())]);
    expect(atTarget.code, atTarget.stderr).toBe(0);
    expect(lastEvent(w.program).data.checkout.commit).toBe(repinCommit);
    expect(w.consumer.git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(cutover(['-C', w.program, 'verify']).code).toBe(0);
  });
});

describe('admission: a run line is held to the target from the facts it records', () => {
  /** A producer run recorded properly with --at-target, and its data to forge from. */
  function recordedRun(w: World) {
    expect(runProducer(w, '--at-target').code).toBe(0);
    return structuredClone(lastEvent(w.program).data) as Record<string, any>;
  }

  it('a hand-signed run line at the wrong commit is refused by verify', () => {
    const w = world();
    const data = recordedRun(w);
    forgeEvent(w.program, PRODUCER, { type: 'evidence.added', data: { ...data, checkout: { commit: w.wip }, run: { ...data.run, head: w.wip } } } as never, w.next());
    const verify = cutover(['-C', w.program, 'verify']);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toContain(`is at commit ${w.wip}, not at the target v3.0.0 @ ${w.target}`);
  });

  it('a hand-signed line whose checkout is the target but whose run ran elsewhere is refused too', () => {
    const w = world();
    const data = recordedRun(w);
    forgeEvent(w.program, PRODUCER, { type: 'evidence.added', data: { ...data, run: { ...data.run, head: w.wip } } } as never, w.next());
    const verify = cutover(['-C', w.program, 'verify']);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toContain('the checkout moved while the suite ran');
  });

  it('lines written before the rule (no checkout) still verify in a version-1 program, as does the example ledger', () => {
    expect(cutover(['-C', EXAMPLE, 'verify']).code).toBe(0);
    const w = world();
    const { checkout: _dropped, ...older } = recordedRun(w);
    forgeEvent(w.program, PRODUCER, { type: 'evidence.added', data: { ...older, run: { ...older.run, head: w.wip } } } as never, w.next());
    const verify = cutover(['-C', w.program, 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
  });

  it('from cutover.yaml version 2 on, a run line must record where it ran; the version cannot be lowered again', () => {
    const w = world();
    const data = recordedRun(w);
    const yamlPath = join(w.program, 'cutover.yaml');
    const v1 = readFileSync(yamlPath, 'utf8');
    writeFileSync(yamlPath, v1.replace(/^version: 1$/m, 'version: 2'));
    const amend = cutover(['-C', w.program, 'program', 'amend', '--reason', 'runs count only at the target', ...as(LOG_OWNER, w.next())]);
    expect(amend.code, amend.stderr).toBe(0);

    writeFileSync(yamlPath, v1);
    const lower = cutover(['-C', w.program, 'program', 'amend', '--reason', 'back to 1', ...as(LOG_OWNER, w.next())]);
    expect(lower.code).toBe(2);
    expect(lower.stderr).toContain("an amendment cannot lower the definition's version (2 → 1)");
    writeFileSync(yamlPath, v1.replace(/^version: 1$/m, 'version: 2'));

    const { checkout: _dropped, ...older } = data;
    forgeEvent(w.program, PRODUCER, { type: 'evidence.added', data: older } as never, w.next());
    const verify = cutover(['-C', w.program, 'verify']);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toContain('does not record where it ran');
  });
});
