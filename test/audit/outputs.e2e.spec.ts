/** The audit's outputs as contracts: SARIF 2.1.0 against its schema, --json against ours, GitHub annotations, history. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { AuditReport } from '../../src/audit/report.js';
import { cutover, ROOT } from '../support/cli.js';
import { plantedRepos } from './planted.js';

const audit = (...args: string[]) => cutover(['audit', ...args]);

/** The SARIF schema is draft-04; one of its patterns is valid only without the regex `u` flag. */
function sarifValidator(schema: object) {
  const ajv = new Ajv04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('cutover audit outputs', () => {
  it('--sarif writes SARIF 2.1.0 that validates against the SARIF schema, one result per finding, on its line', () => {
    const { producer, consumer, planted } = plantedRepos();
    const sarifFile = join(producer.root, 'audit.sarif');
    const r = audit('--repo', producer.dir, '--repo', consumer.dir, '--sarif', sarifFile);
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const validate = sarifValidator(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[] }[];
    expect(results.map((x) => `${x.ruleId} ${x.locations[0]?.physicalLocation.artifactLocation.uriBaseId}:${x.locations[0]?.physicalLocation.artifactLocation.uri}:${x.locations[0]?.physicalLocation.region.startLine}`).sort()).toEqual(
      planted.map((p) => `${p.kind} ${p.repo}:${p.file}:${p.line}`).sort(),
    );
  });

  it('a SARIF log that breaks the schema is caught by the same validation (the test can fail)', () => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/sarif-2.1.0-rtm.5.json'), 'utf8'));
    expect(sarifValidator(schema)({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
  });

  it('--json follows schemas/audit-report.schema.json, which is up to date with its source', () => {
    const committed = readFileSync(join(ROOT, 'schemas/audit-report.schema.json'), 'utf8');
    expect(committed).toBe(JSON.stringify(AuditReport, null, 2) + '\n');
    const { producer, consumer } = plantedRepos();
    const r = audit('--repo', producer.dir, '--repo', consumer.dir, '--json');
    const report = JSON.parse(r.stdout);
    const validate = new Ajv({ strict: false }).compile(JSON.parse(committed));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.version).toBe(1);
    expect(report.counts).toMatchObject({ 'tag-sha-pair': 2, 'unknown-sha': 1, 'short-sha': 2, 'mirror-disagreement': 1, 'status-contradiction': 1, 'absolute-path': 2 });
  });

  it('--format github annotates each finding on its file and line', () => {
    const { producer, consumer } = plantedRepos();
    const r = audit('--repo', producer.dir, '--repo', consumer.dir, '--format', 'github');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error file=AssistSupport/docs/RUNTIME_PIN.md,line=5,title=cutover audit%3A unknown-sha::');
    expect(r.stdout).toMatch(/::warning file=MemoryKernel\/docs\/implementation\/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER\.md,line=\d+,/);
  });

  it('--since reports when each finding first appeared, and whether it is still there', () => {
    const { producer, consumer } = plantedRepos();
    for (const repo of [producer, consumer]) repo.git('branch', 'start', repo.git('rev-list', '--max-parents=0', 'HEAD'));
    // Fix the machine paths of the mirror afterwards: that finding is gone, the others stay.
    const path = 'docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER.md';
    const fixed = readFileSync(join(producer.dir, path), 'utf8').replace(/\/Users\/d\/Projects\/(\w+)\//g, '$1: ');
    const fix = producer.commit({ [path]: fixed }, 'records: repository-relative inputs');
    const r = audit('--repo', producer.dir, '--repo', consumer.dir, '--since', 'start', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as AuditReport;
    const one = (kind: string, repo: string) => report.findings.find((f) => f.kind === kind && f.location.repo === repo);
    expect(one('unknown-sha', 'AssistSupport')?.history).toMatchObject({ firstSeen: { repo: 'AssistSupport', subject: 'repin MemoryKernel to v3.0.0' }, present: true, goneAt: null });
    expect(one('status-contradiction', 'MemoryKernel')?.history).toMatchObject({ firstSeen: { repo: 'MemoryKernel', subject: 'records' }, present: true });
    expect(one('absolute-path', 'MemoryKernel')?.history).toMatchObject({ firstSeen: { subject: 'records' }, present: false, goneAt: { commit: fix } });
    expect(report.counts['absolute-path']).toBe(1); // the consumer's C:\ path is still there
    expect(report.repos.map((x) => x.commits)).toEqual([4, 1]);
  });
});
