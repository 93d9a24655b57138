/** One producer and three consumers, end to end: every consumer must repin and GO, and every party renders its own records. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cutover, tempDir } from '../support/cli.js';
import { gitFixture, type GitFixture } from '../support/git.js';

const CONSUMERS = ['Shopfront', 'Billing', 'Search'];

function pinFiles(tag: string, sha: string, api = 'api.v2'): Record<string, string> {
  const manifest = JSON.stringify({ release: tag }) + '\n';
  return {
    'vendor/ledgerly/manifest.json': manifest,
    'config/ledgerly-runtime-target.json': JSON.stringify({ release_tag: tag, commit_sha: sha, expected_api_contract_version: api, manifest_sha256: createHash('sha256').update(manifest).digest('hex') }),
    'docs/RUNTIME_PIN.md': `Pinned: ${tag} ${sha}\n`,
  };
}

it('a four-party program: every consumer repins and says GO, status names who each blocker waits on, each party renders its records', () => {
  const program = tempDir();
  const env = { HOME: tempDir() };
  let minute = 0;
  const run = (args: string[]) => cutover(['-C', program, ...args], { env });
  const as = (role: string) => ['--as', role, '--at', new Date(Date.parse('2026-03-01T09:00:00Z') + ++minute * 60_000).toISOString()];
  const ok = (args: string[]) => {
    const r = run(args);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  const status = () => JSON.parse(ok(['status', '--json']).stdout) as { blockers: { gate: string; waitingOn: string[]; missing: string[] }[] };

  ok(['init', '--producer', 'Ledgerly', ...CONSUMERS.flatMap((c) => ['--consumer', c]), '--contract', 'api.v2']);
  let yaml = readFileSync(join(program, 'cutover.yaml'), 'utf8');
  const roles = [...yaml.matchAll(/^ {2}- id: (\S+)\n {4}title: .*\n {4}party:/gm)].map((m) => m[1]!);
  expect(roles).toHaveLength(9);
  for (const role of roles) {
    const key = ok(['keys', 'generate', '--role', role]).stdout.trim();
    yaml = yaml.replace(new RegExp(`(- id: ${role}\\n(?:    .*\\n)*?)    keys: \\[\\]`), `$1    keys: [${key}]`);
  }
  writeFileSync(join(program, 'cutover.yaml'), yaml);
  ok(['program', 'define', ...as('integration-program-owner')]);
  ok(['phase', 'start', '7', ...as('integration-program-owner')]);
  ok(['phase', 'close', '7', '--reason', 'decision recorded', ...as('integration-program-owner')]);

  const producer = gitFixture();
  const sha = producer.commit({ 'ci/contract-tests.sh': 'echo contract ok\n' });
  producer.annotatedTag('v2.0.0', sha);
  ok(['target', 'publish', '--baseline', '--tag', 'v2.0.0', '--sha', sha, '--contract', 'api=api.v1', '--repo', producer.dir, ...as('ledgerly-release-owner')]);
  const target = producer.commit({ 'API': 'v2\n' });
  producer.annotatedTag('v3.0.0', target);
  ok(['target', 'publish', '--tag', 'v3.0.0', '--sha', target, '--contract', 'api=api.v2', '--repo', producer.dir, ...as('ledgerly-release-owner')]);
  ok(['handoff', 'generate', '--out', join(program, 'handoff.json')]);
  ok(['evidence', 'add', '--kind', 'handoff-payload', '--party', 'ledgerly', '--file', 'handoff.json', ...as('ledgerly-release-owner')]);

  const evidenceGate = status().blockers.find((b) => b.gate === 'runtime-evidence')!;
  expect(evidenceGate.waitingOn).toEqual(['shopfront', 'billing', 'search']);
  expect(evidenceGate.missing).toEqual(CONSUMERS.map((c) => `consumer atomic repin evidence against the same runtime target (${c})`));

  const repos: Record<string, GitFixture> = {};
  const pinnedToBaseline: Record<string, string> = {};
  for (const name of CONSUMERS) {
    const id = name.toLowerCase();
    const repo = (repos[id] = gitFixture());
    pinnedToBaseline[id] = repo.commit({ 'ci/integration-tests.sh': 'echo integration ok\n', ...pinFiles('v2.0.0', sha, 'api.v1') });
    const commit = repo.commit(pinFiles('v3.0.0', target));
    ok(['evidence', 'repin', '--party', id, '--repo', repo.dir, '--commit', commit, ...as(`${id}-runtime-owner`)]);
  }
  expect(status().blockers.map((b) => b.gate)).not.toContain('runtime-evidence');

  // Rollback evidence runs at the rollback target v2.0.0: the producer's checkout of it, each consumer's pinned to it.
  const at = (repo: GitFixture, commit: string) => {
    const dir = join(repo.root, 'at-baseline');
    repo.git('worktree', 'add', '-q', '--detach', dir, commit);
    return dir;
  };
  ok(['evidence', 'add', '--kind', 'rollback-execution', '--party', 'ledgerly', '--verdict', 'PASS', '--cwd', at(producer, sha), ...as('ledgerly-release-owner')]);
  for (const id of Object.keys(repos)) {
    ok(['evidence', 'add', '--kind', 'rollback-execution', '--party', id, '--verdict', 'PASS', '--cwd', at(repos[id]!, pinnedToBaseline[id]!), ...as(`${id}-runtime-owner`)]);
  }
  for (const role of ['ledgerly-release-owner', 'shopfront-runtime-owner', 'billing-runtime-owner']) ok(['verdict', 'runtime-cutover', 'GO', ...as(role)]);

  expect(status().blockers).toEqual([expect.objectContaining({ gate: 'joint-go', waitingOn: ['search'] })]);
  const noGo = run(['gate', 'runtime-cutover']);
  expect(noGo.code).toBe(1);
  expect(noGo.stdout).toContain('Search: no verdict recorded on runtime-cutover');
  expect(noGo.stdout).toContain('waiting on: search');

  ok(['verdict', 'runtime-cutover', 'GO', ...as('search-runtime-owner')]);
  expect(run(['gate', 'runtime-cutover']).code).toBe(0);
  ok(['phase', 'start', '8', ...as('integration-program-owner')]);

  // Every party renders its own records into its own repository, all naming the same head.
  ok(['render', '--all', '--party', 'ledgerly', '--root', producer.dir]);
  for (const id of Object.keys(repos)) ok(['render', '--all', '--party', id, '--root', repos[id]!.dir]);
  const record = (dir: string, file: string) => readFileSync(join(dir, 'docs/implementation', file), 'utf8');
  const search = record(repos.search!.dir, 'RUNTIME_CUTOVER_DECISION_RECORD.md');
  expect(search.split('\n')[0]).toBe('# Runtime Cutover Decision Record (Search)');
  expect(search).toContain('2. Runtime cutover execution: **GO**');
  expect(search).toContain('- Phase 8: **Active**');
  const heads = [record(producer.dir, 'RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER.md'), ...Object.values(repos).map((r) => record(r.dir, 'RUNTIME_CUTOVER_DECISION_RECORD.md'))].map((t) => t.split('\n')[2]);
  expect(new Set(heads).size).toBe(1);
  expect(record(producer.dir, 'RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER.md')).toContain('- Billing decision record:\n  - Billing: `docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD.md`');
});
