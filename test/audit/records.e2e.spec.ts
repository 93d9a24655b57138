/**
 * `cutover audit` on records as teams write them, by several hands over several days: statuses with
 * words between and in tables, mirrors in other words, claimed durations against the commit dates,
 * tag/SHA pairs, statuses and blockers in markdown tables and JSON arrays.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport, Finding } from '../../src/audit/report.js';
import { cutover } from '../support/cli.js';
import { gitFixture, type GitFixture } from '../support/git.js';
import { lineOf } from './planted.js';

const audit = (...args: string[]) => {
  const r = cutover(['audit', ...args, '--json']);
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout || 'null') as AuditReport };
};
const where = (f: Finding) => `${f.kind} ${f.location.repo}:${f.location.file}:${f.location.line}`;

/** A commit written by `author` at `date` (the author date: when the record was edited). */
function commitAt(repo: GitFixture, files: Record<string, string>, o: { author: string; date: string; message: string }): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo.dir, path)), { recursive: true });
    writeFileSync(join(repo.dir, path), text);
  }
  repo.git('add', '-A');
  repo.git('commit', '-q', '--author', `${o.author} <${o.author.toLowerCase()}@example.invalid>`, '--date', o.date, '-m', o.message);
  return repo.rev('HEAD');
}

const PRODUCER_STATUS = `# Cutover Status (Producer Mirror)

Updated: 2026-03-05
Mirror record of storefront's docs/CUTOVER_STATUS.md.

## Phases
- Phase 3 (load tests) — *closed*
- Phase 5 soak window: **IN PROGRESS**

## Remaining Blockers
1. Release tag + SHA not published.
2. Rollback drill evidence not logged.
3. Load test sign-off missing from SRE.
`;

const CONSUMER_STATUS = `# Cutover Status

Updated: 2026-03-05

## Phase status

| Phase | Owner | Status |
| --- | --- | --- |
| Phase 3 | SRE | Closed |
| Phase 5 | SRE | **Complete** |

## Remaining Blockers

| # | Blocker | Owner |
|---|---|---|
| 1 | Release tag and commit SHA not yet published | platform |
| 2 | Rollback drill evidence not yet logged | storefront |
| 3 | Consumer canary dashboards not wired | storefront |
`;

describe('cutover audit: mirrors in other words', () => {
  it('pairs blockers reworded across the mirrors (with the word diff), and compares phase statuses written with words between and in a table', () => {
    const platform = gitFixture('platform');
    const storefront = gitFixture('storefront');
    commitAt(platform, { 'docs/CUTOVER_STATUS.md': PRODUCER_STATUS }, { author: 'Alice', date: '2026-03-05T09:00:00Z', message: 'status mirror' });
    commitAt(storefront, { 'docs/CUTOVER_STATUS.md': CONSUMER_STATUS }, { author: 'Bob', date: '2026-03-05T11:00:00Z', message: 'cutover status' });

    const { code, report, stderr } = audit('--repo', platform.dir, '--repo', storefront.dir);
    expect(stderr).toBe('');
    expect(report.findings.map(where)).toEqual([
      `mirror-disagreement platform:docs/CUTOVER_STATUS.md:${lineOf(PRODUCER_STATUS, 'Phase 5 soak window')}`,
      `mirror-disagreement platform:docs/CUTOVER_STATUS.md:${lineOf(PRODUCER_STATUS, 'Load test sign-off')}`,
    ]);
    const [phases, blockers] = report.findings as [Finding, Finding];
    expect(blockers.message).toBe('blockers disagree with its mirror storefront:docs/CUTOVER_STATUS.md: 3 blockers against 3; 1 only on the left, 1 only on the right, 2 in other words');
    expect(blockers.related).toEqual([{ repo: 'storefront', file: 'docs/CUTOVER_STATUS.md', line: lineOf(CONSUMER_STATUS, 'Consumer canary') }]);
    expect(blockers.diff).toEqual([
      { item: 'blocker', left: 'Release tag + SHA not published.', right: 'Release tag and commit SHA not yet published', words: 'Release tag [-+-] {+and commit+} SHA not {+yet+} published' },
      { item: 'blocker', left: 'Rollback drill evidence not logged.', right: 'Rollback drill evidence not yet logged', words: 'Rollback drill evidence not {+yet+} logged' },
      { item: 'blocker', left: 'Load test sign-off missing from SRE.', right: null },
      { item: 'blocker', left: null, right: 'Consumer canary dashboards not wired' },
    ]);
    expect(phases.message).toBe('phase statuses disagree with its mirror storefront:docs/CUTOVER_STATUS.md: 1 phase status differ');
    expect(phases.diff).toEqual([{ item: 'Phase 5', left: 'IN PROGRESS', right: 'Complete' }]);
    expect(code).toBe(1);

    // The human report shows the word diff under the pair.
    const text = cutover(['audit', '--repo', platform.dir, '--repo', storefront.dir]).stdout;
    expect(text).toContain('reworded: Rollback drill evidence not {+yet+} logged');
  });

  it('mirrors that say the same in the same words, in a list and in a table, agree', () => {
    const platform = gitFixture('platform');
    const storefront = gitFixture('storefront');
    const same = CONSUMER_STATUS.replace('**Complete**', 'In progress');
    commitAt(platform, { 'docs/CUTOVER_STATUS.md': PRODUCER_STATUS.replace(/## Remaining Blockers[\s\S]*$/, '## Remaining Blockers\n1. Release tag and commit SHA not yet published.\n2. Rollback drill evidence not yet logged\n3. Consumer canary dashboards not wired\n') }, { author: 'Alice', date: '2026-03-05T09:00:00Z', message: 'mirror' });
    commitAt(storefront, { 'docs/CUTOVER_STATUS.md': same }, { author: 'Bob', date: '2026-03-05T11:00:00Z', message: 'status' });
    const { code, report } = audit('--repo', platform.dir, '--repo', storefront.dir);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('cutover audit: claims about time', () => {
  const soak = (status: string) => `# Soak log\n\nUpdated: 2026-03-02\n\n## Phase 5 soak\n- Owner: SRE\n- Status: ${status}\n`;

  it('reports a "two-week" soak opened and closed on the same day, naming both commits and the real span', () => {
    const repo = gitFixture('platform');
    commitAt(repo, { 'docs/SOAK.md': soak('**Not started**') }, { author: 'Alice', date: '2026-03-02T09:00:00Z', message: 'soak plan' });
    const opened = commitAt(repo, { 'docs/SOAK.md': soak('**In progress**: two-week soak started') }, { author: 'Bob', date: '2026-03-02T10:15:00Z', message: 'open the soak' });
    commitAt(repo, { 'docs/README.md': '# Platform\n' }, { author: 'Dan', date: '2026-03-02T12:00:00Z', message: 'unrelated' });
    const closed = commitAt(repo, { 'docs/SOAK.md': soak('**Closed** (two-week soak complete, no regressions)') }, { author: 'Carol', date: '2026-03-02T16:45:00Z', message: 'close the soak' });

    const { code, report } = audit('--repo', repo.dir);
    expect(report.findings).toEqual([
      {
        kind: 'duration-claim',
        location: { repo: 'platform', file: 'docs/SOAK.md', line: 7 },
        related: [],
        message: `"two-week soak" (2 weeks) is claimed for Phase 5, but it was open 6 h 30 min: from ${opened.slice(0, 10)} to ${closed.slice(0, 10)}`,
        evidence: [
          `opened in ${opened} 2026-03-02T10:15:00Z "open the soak" (Phase 5: In progress)`,
          `closed in ${closed} 2026-03-02T16:45:00Z "close the soak" (Phase 5: Closed)`,
          'real span: 6 h 30 min, under half of 2 weeks',
        ],
        key: 'duration-claim:platform:docs/SOAK.md:phase-5:two-week soak',
      },
    ]);
    expect(code).toBe(1);
  });

  it('says nothing of a claim the dates bear out, of a window still open, or of a record written after the fact', () => {
    const repo = gitFixture('platform');
    const window = (status: string) => `# Runtime cutover\n\n## Runtime Cutover Window\n- Status: ${status}\n`;
    commitAt(repo, { 'docs/WINDOW.md': window('**Not approved**') }, { author: 'Alice', date: '2026-03-01T08:00:00Z', message: 'window' });
    commitAt(repo, { 'docs/WINDOW.md': window('**Open** (7-day stabilization window)') }, { author: 'Bob', date: '2026-03-01T09:00:00Z', message: 'open' });
    // Five days of a seven-day claim: more than half.
    commitAt(repo, { 'docs/WINDOW.md': window('**Closed** (7-day stabilization window completed)') }, { author: 'Carol', date: '2026-03-06T09:00:00Z', message: 'close' });
    commitAt(repo, { 'docs/PHASE6.md': '# Phase 6\n\n- Phase 6: **In progress** after 48 hours of soak\n' }, { author: 'Dan', date: '2026-03-06T10:00:00Z', message: 'phase 6 running' });
    commitAt(repo, { 'docs/CLOSURE.md': '# Phase 4 closure\n\n- Phase 4: **Complete** after a two-week soak\n' }, { author: 'Erin', date: '2026-03-06T11:00:00Z', message: 'closure written after the fact' });
    expect(audit('--repo', repo.dir).report.findings).toEqual([]);

    // The same window closed an hour after it opened is reported, against the window.
    commitAt(repo, { 'docs/WINDOW.md': window('**Open** (7-day stabilization window)') }, { author: 'Bob', date: '2026-03-07T09:00:00Z', message: 'reopen' });
    commitAt(repo, { 'docs/WINDOW.md': window('**Closed** (7-day stabilization window completed)') }, { author: 'Carol', date: '2026-03-07T10:00:00Z', message: 'close again' });
    const again = audit('--repo', repo.dir).report.findings;
    expect(again.map((f) => [where(f), f.message.replace(/: from .*$/, '')])).toEqual([
      ['duration-claim platform:docs/WINDOW.md:4', '"7-day stabilization window" (7 days) is claimed for the window, but it was open 1 h'],
    ]);
  });
});

describe('cutover audit: markdown tables and JSON arrays of objects', () => {
  it('reads tag/SHA pairs, phase statuses and blockers from tables and JSON arrays like the line forms', () => {
    const repo = gitFixture('platform');
    commitAt(repo, { VERSION: '1\n' }, { author: 'Alice', date: '2026-03-01T09:00:00Z', message: 'v1' });
    repo.tag('v1.0.0');
    const v1 = repo.rev('HEAD');
    commitAt(repo, { VERSION: '2\n' }, { author: 'Alice', date: '2026-03-02T09:00:00Z', message: 'v2' });
    repo.tag('v2.0.0');
    const releases = `# Releases\n\n| Release tag | Notes | Commit |\n| --- | --- | --- |\n| v2.0.0 | rolls back to v1.0.0 | ${v1} |\n`;
    const pins = JSON.stringify({ pins: [{ service: 'ledger', release: 'v1.0.0', commit: v1 }, { service: 'search', release: 'v2.0.0', commit: v1 }] }, null, 2) + '\n';
    const status = `# Status\n\nUpdated: 2026-03-04\n\n| Phase | Owner | Status |\n| --- | --- | --- |\n| Phase 3 | SRE | Done |\n`;
    const phases = JSON.stringify({ updated: '2026-03-05', phases: [{ phase: 3, name: 'load tests', status: 'in_progress' }] }, null, 2) + '\n';
    const blockersMd = `# Blockers (Producer Mirror)\n\n## Blockers\n- Release tag and commit SHA not yet published\n- Rollback evidence not logged\n`;
    const blockersJson = JSON.stringify({ title: 'Blockers', blockers: [{ id: 1, title: 'Release tag + SHA not published' }, { id: 2, title: 'Rollback evidence not logged' }, { id: 3, title: 'Search index rebuild not scheduled' }] }, null, 2) + '\n';
    commitAt(repo, { 'docs/RELEASES.md': releases, 'config/pins.json': pins, 'docs/STATUS.md': status, 'status/phases.json': phases, 'docs/BLOCKERS.md': blockersMd, 'status/blockers.json': blockersJson }, { author: 'Bob', date: '2026-03-05T09:00:00Z', message: 'records' });

    const { report } = audit('--repo', repo.dir, '--mirror', 'docs/BLOCKERS.md=status/blockers.json');
    expect(report.findings.map(where)).toEqual([
      'tag-sha-pair platform:config/pins.json:11',
      `tag-sha-pair platform:docs/RELEASES.md:5`,
      `mirror-disagreement platform:docs/BLOCKERS.md:${lineOf(blockersMd, 'Release tag')}`,
      'status-contradiction platform:status/phases.json:7',
    ]);
    const [json, table, mirror, contradiction] = report.findings as [Finding, Finding, Finding, Finding];
    expect(json.message).toBe(`v2.0.0 and ${v1} are not a real pair in platform`);
    expect(table.message).toBe(`v2.0.0 and ${v1} are not a real pair in platform`);
    expect(mirror.diff).toEqual([
      { item: 'blocker', left: 'Release tag and commit SHA not yet published', right: 'Release tag + SHA not published', words: 'Release tag [-and commit-] {+++} SHA not [-yet-] published' },
      { item: 'blocker', left: null, right: 'Search index rebuild not scheduled' },
    ]);
    expect(mirror.related).toEqual([{ repo: 'platform', file: 'status/blockers.json', line: 14 }]);
    expect(contradiction.message).toBe('Phase 3 is "in_progress" here (dated 2026-03-05), but "Done" in docs/STATUS.md (dated 2026-03-04)');
  });
});
