/** Bad input exits 2 and names the flag; bare repositories work; --mirror pairs records by hand; --suggest drafts a valid cutover.yaml. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report.js';
import { parseDefinition } from '../../src/program/parse-definition.js';
import { cutover } from '../support/cli.js';
import { cleanRepo, plantedRepos } from './planted.js';

const audit = (...args: string[]) => cutover(['audit', ...args]);

describe('cutover audit: input', () => {
  it.each<[string, (dirs: { repo: string; root: string }) => string[], RegExp]>([
    ['a folder that is not a repository', ({ root }) => ['--repo', root], /--repo: expected a git repository/],
    ['no repository at all', () => [], /--repo: expected at least one git repository, found none/],
    ['a revision that is not there', ({ repo }) => ['--repo', repo, '--rev', 'v9.9.9'], /--rev: expected a commit in .*, found "v9.9.9"/],
    ['a --since that is not there', ({ repo }) => ['--repo', repo, '--since', 'nope'], /--since: expected a commit/],
    ['a producer that is not one of the repositories', ({ repo }) => ['--repo', repo, '--producer', 'MemoryKernel'], /--producer: expected the name of one of the repositories \(Clean\)/],
    ['a --mirror that names no file', ({ repo }) => ['--repo', repo, '--mirror', 'docs/NOPE.md=docs/STATUS.md'], /--mirror: .*"docs\/NOPE.md", which names no markdown file/],
    ['a --mirror without =', ({ repo }) => ['--repo', repo, '--mirror', 'docs/STATUS.md'], /--mirror: expected A=B/],
    ['--out without --suggest', ({ repo }) => ['--repo', repo, '--out', 'x.yaml'], /--out: expected to be given with --suggest/],
  ])('exits 2 on %s, naming the flag', (_, args, message) => {
    const repo = cleanRepo();
    const r = audit(...args({ repo: repo.dir, root: repo.root }));
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });

  it('reads bare repositories (never a work tree) and finds the same', () => {
    const { producer, consumer } = plantedRepos();
    const checkouts = JSON.parse(audit('--repo', producer.dir, '--repo', consumer.dir, '--json').stdout) as AuditReport;
    // A work tree edited and not committed changes nothing either.
    writeFileSync(join(consumer.dir, 'docs/RUNTIME_PIN.md'), '# nothing here\n');
    const bare = JSON.parse(audit('--repo', producer.cloneBare('MemoryKernel.git'), '--repo', consumer.cloneBare('AssistSupport.git'), '--json').stdout) as AuditReport;
    const where = (r: AuditReport) => r.findings.map((f) => `${f.kind} ${f.location.repo}:${f.location.file}:${f.location.line}`);
    expect(where(bare)).toEqual(where(checkouts));
  });

  it('--mirror compares two records that do not say they mirror each other', () => {
    const repo = cleanRepo();
    const record = (outcome: string) => `# Decision ${outcome}\n\n## Decision Outcome\n1. Runtime cutover execution: **${outcome}**\n`;
    repo.commit({ 'a/DECISION.md': record('GO'), 'b/DECISION.md': record('NO-GO') }, 'two decisions');
    expect(audit('--repo', repo.dir).code).toBe(0);
    const r = audit('--repo', repo.dir, '--mirror', 'a/DECISION.md=Clean:b/DECISION.md', '--json');
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      kind: 'mirror-disagreement',
      location: { file: 'a/DECISION.md', line: 4 },
      related: [{ file: 'b/DECISION.md', line: 4 }],
      diff: [{ item: 'Runtime cutover execution', left: 'GO', right: 'NO-GO' }],
    });
    expect(r.code).toBe(1);
  });

  it('--suggest prints a cutover.yaml that loads, with the parties, the pin files and the named roles; --out writes it, never over a file', () => {
    const { producer, consumer, shas } = plantedRepos();
    const r = audit('--repo', producer.dir, '--repo', consumer.dir, '--suggest');
    expect(r.stderr).toBe('');
    const { definition } = parseDefinition(r.stdout, 'cutover.yaml');
    expect(definition.parties.map((p) => `${p.id} ${p.kind}`)).toEqual(['memorykernel producer', 'assistsupport consumer']);
    expect(definition.parties[1]?.pins).toEqual([
      { file: 'config/memorykernel-runtime-target.json', json: { '/release_tag': 'tag', '/commit_sha': 'sha' } },
      { file: 'docs/RUNTIME_PIN.md', markdown: 'tag-and-sha' },
    ]);
    expect(definition.roles.find((x) => x.id === 'assistsupport-incident-commander')?.title).toBe('Support Platform On-Call Lead');
    expect(r.stdout).toContain(`cutover target publish --tag v3.0.0 --sha ${shas.v300}`);

    const out = join(producer.root, 'cutover.yaml');
    expect(audit('--repo', producer.dir, '--repo', consumer.dir, '--suggest', '--out', out).code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    const again = audit('--repo', producer.dir, '--repo', consumer.dir, '--suggest', '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out: expected a file that does not exist yet/);
    expect(existsSync(join(consumer.dir, 'cutover.yaml'))).toBe(false);
  });
});
