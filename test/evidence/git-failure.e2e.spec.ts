/**
 * A git command that fails where the repository should have answered (here: a tree object lost from
 * the repository) is bad input, exit 2, naming the command and git's message: not an internal error.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, clockAfterExample, copyOfExample, cutover, ledgerOf } from '../support/cli.js';
import { gitFixture } from '../support/git.js';

describe('a failing git command', () => {
  it('exits 2 naming the git command, the repository and what git said; nothing is recorded', () => {
    const next = clockAfterExample();
    const program = copyOfExample();
    const producer = gitFixture();
    const target = producer.commit({ VERSION: 'service.v3\n' });
    producer.annotatedTag('v3.0.0', target);
    const publish = cutover(['-C', program, 'target', 'publish', '--tag', 'v3.0.0', '--sha', target, '--contract', 'service=service.v3', '--repo', producer.dir, ...as('memorykernel-release-owner', next())]);
    expect(publish.code, publish.stderr).toBe(0);

    const consumer = gitFixture();
    consumer.commit({ README: 'consumer\n' });
    const repin = consumer.commit({ 'config/memorykernel-runtime-target.json': '{}\n' });
    // The repin commit's tree is lost (the objects of a fixture repository are loose files).
    const tree = consumer.rev(`${repin}^{tree}`);
    rmSync(join(consumer.dir, '.git/objects', tree.slice(0, 2), tree.slice(2)));

    const before = ledgerOf(program);
    const run = cutover(['-C', program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', consumer.dir, '--commit', repin, ...as('assistsupport-runtime-owner', next())]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`git diff-tree -r -z --no-commit-id ${consumer.rev(`${repin}^`)} ${repin} failed in ${consumer.dir}`);
    expect(run.stderr).toMatch(/unable to read tree|bad tree object|could not read/);
    expect(run.stderr).not.toMatch(/internal error|    at /);
    expect(ledgerOf(program)).toBe(before);
  });
});
