/** `cutover audit` on generated repositories (real git): every planted error found at its file and line; a clean repository gives nothing. */
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report.js';
import { cutover } from '../support/cli.js';
import { cleanRepo, plantedRepos } from './planted.js';

function auditJson(args: string[]): { code: number; report: AuditReport; stderr: string } {
  const r = cutover(['audit', ...args, '--json']);
  return { code: r.code, report: JSON.parse(r.stdout || 'null') as AuditReport, stderr: r.stderr };
}

describe('cutover audit', () => {
  it('finds every planted error, with its file and line', () => {
    const { producer, consumer, planted } = plantedRepos();
    const { code, report, stderr } = auditJson(['--repo', producer.dir, '--repo', consumer.dir, '--producer', 'MemoryKernel']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    for (const p of planted) {
      const found = report.findings.filter((f) => f.kind === p.kind && f.location.repo === p.repo && f.location.file === p.file && f.location.line === p.line);
      expect(found, `${p.kind} at ${p.repo}:${p.file}:${p.line}\n${JSON.stringify(report.findings, null, 2)}`).toHaveLength(1);
      expect([found[0]?.message, ...(found[0]?.evidence ?? [])].join('\n')).toContain(p.mentions);
    }
    // Nothing but what was planted.
    expect(report.findings.map((f) => `${f.kind} ${f.location.repo}:${f.location.file}:${f.location.line}`).sort()).toEqual(
      planted.map((p) => `${p.kind} ${p.repo}:${p.file}:${p.line}`).sort(),
    );
  });

  it('gives exit 0 and no findings on a clean repository full of ordinary hex', () => {
    const repo = cleanRepo();
    const r = cutover(['audit', '--repo', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('No findings.');
    expect(r.code).toBe(0);
  });
});
