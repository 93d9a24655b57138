/**
 * A consumer pinning in a .env file and a Dockerfile (a line pattern) besides the example's pins,
 * through the built binary on real repositories: the repin commit is accepted when every file names
 * the target, refused naming the line that does not, and a repin that misses a file says to amend it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, clockAfterExample, copyOfExample, cutover, ledgerOf } from '../support/cli.js';
import { gitFixture } from '../support/git.js';

const CONSUMER = 'assistsupport-runtime-owner';

function pinFiles(tag: string, sha: string, contract: string): Record<string, string> {
  const manifest = JSON.stringify({ release: tag, contracts: [contract] }) + '\n';
  return {
    'vendor/memorykernel/manifest.json': manifest,
    'config/memorykernel-runtime-target.json':
      JSON.stringify({ release_tag: tag, commit_sha: sha, expected_service_contract_version: contract, manifest_sha256: createHash('sha256').update(manifest).digest('hex') }) + '\n',
    'docs/RUNTIME_PIN.md': `| MemoryKernel | ${tag} | ${sha} |\n`,
    'deploy/.env': `# MemoryKernel release\nMEMORYKERNEL_TAG=${tag}\nMEMORYKERNEL_SHA="${sha}"\n`,
    Dockerfile: `FROM registry.example/memorykernel:${tag}\nCOPY . /app\n`,
  };
}

describe('a repin with .env and line-pattern pins, through the CLI', () => {
  it('is accepted when every file names the target, refused naming the line that does not, and a missed file says to amend', () => {
    const next = clockAfterExample();
    const program = copyOfExample();
    const yamlPath = join(program, 'cutover.yaml');
    const anchor = '        sha256_at: { file: config/memorykernel-runtime-target.json, pointer: /manifest_sha256 }\n';
    const yaml = readFileSync(yamlPath, 'utf8');
    expect(yaml).toContain(anchor);
    writeFileSync(
      yamlPath,
      yaml.replace(anchor, () => `${anchor}      - file: deploy/.env\n        dotenv: { MEMORYKERNEL_TAG: tag, MEMORYKERNEL_SHA: sha }\n      - file: Dockerfile\n        pattern: { '^FROM registry\\.example/memorykernel:(\\S+)$': tag }\n`),
    );
    const amend = cutover(['-C', program, 'program', 'amend', '--reason', 'pins in .env and the Dockerfile', ...as('integration-program-owner', next())]);
    expect(amend.code, amend.stderr).toBe(0);

    const producer = gitFixture();
    const baseline = producer.commit({ VERSION: 'service.v2\n' });
    producer.annotatedTag('v2.9.0', baseline);
    const target = producer.commit({ VERSION: 'service.v3\n' });
    producer.annotatedTag('v3.0.0', target);
    const publish = cutover(['-C', program, 'target', 'publish', '--tag', 'v3.0.0', '--sha', target, '--contract', 'service=service.v3', '--repo', producer.dir, ...as('memorykernel-release-owner', next())]);
    expect(publish.code, publish.stderr).toBe(0);

    const consumer = gitFixture();
    consumer.commit(pinFiles('v2.9.0', baseline, 'service.v2'));
    const repin = (commit: string) => cutover(['-C', program, 'evidence', 'repin', '--party', 'assistsupport', '--repo', consumer.dir, '--commit', commit, ...as(CONSUMER, next())]);

    // The Dockerfile's FROM still names the old release: refused, naming the file and line.
    const { Dockerfile: _old, ...allButDockerfile } = pinFiles('v3.0.0', target, 'service.v3');
    const stale = consumer.commit({ ...allButDockerfile, Dockerfile: 'FROM registry.example/memorykernel:v2.9.1\nCOPY . /app\n' });
    const before = ledgerOf(program);
    const refused = repin(stale);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Dockerfile:1 gives "v2.9.1" for');
    expect(refused.stderr).toContain('expected the target\'s tag "v3.0.0"');
    expect(ledgerOf(program)).toBe(before);

    // The .env file left out of the commit: not atomic, and the hint says to amend it.
    consumer.git('reset', '-q', '--hard', 'HEAD~1');
    const { 'deploy/.env': _env, ...allButEnv } = pinFiles('v3.0.0', target, 'service.v3');
    const partial = consumer.commit(allButEnv);
    const missed = repin(partial);
    expect(missed.code).toBe(1);
    expect(missed.stderr).toContain('not changed: deploy/.env');
    expect(missed.stderr).toContain('nothing was recorded');
    expect(missed.stderr).toContain('amend the commit so that one commit changes every pin-set file: change deploy/.env, git add it, git commit --amend');

    // Amended as the hint says: accepted, with the new files and their blobs recorded.
    writeFileSync(join(consumer.dir, 'deploy/.env'), pinFiles('v3.0.0', target, 'service.v3')['deploy/.env']!);
    consumer.git('add', '-A');
    consumer.git('commit', '-q', '--amend', '--no-edit');
    const amended = consumer.rev('HEAD');
    const accepted = repin(amended);
    expect(accepted.code, accepted.stderr).toBe(0);
    const event = JSON.parse(ledgerOf(program).trimEnd().split('\n').at(-1)!);
    expect(event.data.files.map((f: { path: string }) => f.path)).toEqual(['config/memorykernel-runtime-target.json', 'docs/RUNTIME_PIN.md', 'vendor/memorykernel/manifest.json', 'deploy/.env', 'Dockerfile']);
    expect(cutover(['-C', program, 'verify']).code).toBe(0);
  });
});
