/** The example program against the seed record it replaces. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyOfExample, cutover, EXAMPLE, ledgerOf, ROOT } from '../support/cli.js';
import { gitFixture } from '../support/git.js';

const SEED = join(ROOT, '../shared/seeds/000_f980c74b12ad9646.txt');

describe('the example program reproduces the seed', () => {
  const rendered = cutover(['-C', EXAMPLE, 'render', '--record', 'producer-decision-record']);

  it('renders', () => {
    expect(rendered.stderr).toBe('');
    expect(rendered.code).toBe(0);
  });

  it('every seed line appears in order; decision inputs are repo-relative; one provenance line is added', () => {
    const seed = readFileSync(SEED, 'utf8').split('\n');
    const out = rendered.stdout.split('\n');
    const head = JSON.parse(ledgerOf(EXAMPLE).trimEnd().split('\n').at(-1)!).hash as string;
    const provenance = out.filter((l) => l.startsWith('Ledger: '));
    expect(provenance).toEqual([`Ledger: \`memorykernel-service-v3\` seq 7, head \`${head}\`  `]);
    const absolute = /^ {2}- `\/Users\/d\/Projects\/([^/]+)\/(.+)`$/;
    const expected = seed.map((line) => line.replace(absolute, (_m, repo: string, path: string) => `  - ${repo}: \`${path}\``));
    expect(seed.filter((l) => absolute.test(l))).toHaveLength(4);
    expect(out.filter((l) => !l.startsWith('Ledger: '))).toEqual(expected);
  });

  it('the four blockers come from gate evaluation: publishing a verified target changes what is missing', () => {
    const dir = copyOfExample();
    const producer = gitFixture();
    const sha = producer.commit({ 'src/service.txt': 'v3' });
    producer.annotatedTag('v3.0.0', sha);
    const key = join(dir, 'demo-keys/memorykernel-release-owner.pem');
    const published = cutover(['-C', dir, 'target', 'publish', '--tag', 'v3.0.0', '--sha', sha, '--contract', 'service=service.v3', '--repo', producer.dir, '--as', 'memorykernel-release-owner', '--key', key, '--at', '2026-02-09T09:00:00Z']);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    const after = cutover(['-C', dir, 'render', '--record', 'producer-decision-record']).stdout;
    expect(after).not.toContain('Immutable `service.v3` runtime release tag + SHA are not yet published');
    expect(after).toContain('1. Bilateral runtime GO/NO-GO record is not yet completed');
  });

  it('a consumer-side record of the same state renders from the same ledger', () => {
    const consumer = cutover(['-C', EXAMPLE, 'render', '--record', 'consumer-decision-record']);
    expect(consumer.code).toBe(0);
    const lines = consumer.stdout.split('\n');
    expect(lines[0]).toBe('# Runtime Cutover Decision Record');
    expect(lines.find((l) => l.startsWith('Ledger: '))).toBe(rendered.stdout.split('\n').find((l) => l.startsWith('Ledger: ')));
    expect(consumer.stdout).toContain('- Notes: consumer cannot repin before an immutable service.v3 runtime target is published.');
    expect(consumer.stdout).toContain('  - MemoryKernel: `docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER_2026-02-08.md`');
    expect(consumer.stdout).toContain('## Remaining Blockers Before Phase 8 Start');
  });

  it('render --check passes on what it renders and fails (exit 1) on a stale record', () => {
    const dir = copyOfExample();
    const out = join(dir, 'record.md');
    expect(cutover(['-C', dir, 'render', '--record', 'producer-decision-record', '--out', out]).code).toBe(0);
    expect(cutover(['-C', dir, 'render', '--record', 'producer-decision-record', '--check', out]).code).toBe(0);
    execFileSync('sed', ['-i', 's/NO-GO\\*\\*/GO**/', out]);
    const check = cutover(['-C', dir, 'render', '--record', 'producer-decision-record', '--check', out]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('differs from what the ledger renders now');
    expect(check.stdout).toContain('-2. Runtime cutover execution: **GO**');
    expect(check.stdout).toContain('+2. Runtime cutover execution: **NO-GO**');
  });
});

describe('the example ledger is built by its script', () => {
  it('rebuild-ledger.sh recreates the committed ledger byte for byte', () => {
    const dir = copyOfExample();
    execFileSync('bash', [join(dir, 'rebuild-ledger.sh')], { env: { PATH: process.env.PATH ?? '', HOME: dir, CUTOVER_BIN: join(ROOT, 'bin/cutover.js') }, stdio: 'pipe' });
    expect(ledgerOf(dir)).toBe(ledgerOf(EXAMPLE));
  });
});
