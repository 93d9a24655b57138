/** Records as teams write them: phase statuses with words between, tables, JSON and YAML; blockers matched across wordings. */
import { describe, expect, it } from 'vitest';
import { parseRecord, phaseClaims } from '../../src/audit/record.js';
import { looksLikeReleaseTag, scanFile } from '../../src/audit/scan.js';
import { matchItems, SIMILARITY_THRESHOLD, similarity, wordDiff } from '../../src/audit/similar.js';
import { BLOCKERS } from './planted.js';

const SHA = '4f2c9a1b7d3e5f60718293a4b5c6d7e8f9012345';
const scan = (path: string, text: string) => scanFile(path, text, { isTag: looksLikeReleaseTag, repoNames: ['MemoryKernel'] });
const phases = (text: string) => phaseClaims(text.split('\n')).map((c) => `${c.line} Phase ${c.phase}: ${c.word} (${c.status})`);

describe('phase statuses', () => {
  it.each<[string, string, string[]]>([
    ['the status right after the phase', '- Phase 8: **Not Started** (blocked by explicit NO-GO)', ['1 Phase 8: Not Started (not-started)']],
    ['words between, upper case', 'Phase 5 soak window: **IN PROGRESS**', ['1 Phase 5: IN PROGRESS (active)']],
    ['words in parentheses, a dash, emphasis', 'Phase 3 (load tests) — *closed*', ['1 Phase 3: closed (closed)']],
    ['a heading with words between', '## Phase 5 soak window: IN_PROGRESS', ['1 Phase 5: IN_PROGRESS (active)']],
    ['a status line under a heading naming one phase', '## Phase 4 — stabilization\n\nOwner: SRE\n- **Status:** Done\n\n## Notes\n- Status: Closed', ['4 Phase 4: Done (complete)']],
    ['a table whose status is not the next cell', '| Phase | Owner | Window | Status |\n| --- | --- | --- | --- |\n| Phase 6 | SRE | 2 weeks | Not started |\n| 7 | SRE | - | ✅ **Complete** |', ['3 Phase 6: Not started (not-started)', '4 Phase 7: Complete (complete)']],
    ['a table with the status next to the phase', '| phase | status |\n| --- | --- |\n| Phase 7 | Active |', ['3 Phase 7: Active (active)']],
    ['the status must end the clause when words stand between', 'Phase 8 start - pending bilateral GO', []],
    ['a heading that names a phase and no status', '## Remaining Blockers Before Phase 8 Start', []],
    ['two phases on a line: each its own', 'Phase 6 depends on Phase 5: closed', ['1 Phase 5: closed (closed)']],
  ])('%s', (_, text, expected) => {
    expect(phases(text)).toEqual(expected);
  });
});

describe('blockers', () => {
  it('reads a blocker table in the blockers section, by its blocker column', () => {
    const record = parseRecord('R.md', ['# R', '', '## Remaining Blockers', '| # | Owner | Blocker |', '|---|---|---|', '| 1 | MK | Release tag + SHA not published |', '| 2 | AS | **Rollback** evidence not logged |', '', '## Notes', '| a | b |'].map(String));
    expect(record.blockers).toEqual([
      { line: 6, value: 'Release tag + SHA not published' },
      { line: 7, value: 'Rollback evidence not logged' },
    ]);
  });

  it('matches the same blocker in other words, above the threshold, and shows what changed', () => {
    const a = 'release tag + SHA not published';
    const b = 'release tag and commit SHA not yet published';
    expect(similarity(a, b)).toBeCloseTo(8 / 9, 5); // {release, tag, sha, published} against the same and "commit"
    expect(wordDiff(a, b)).toBe('release tag [-+-] {+and commit+} SHA not {+yet+} published');
    const m = matchItems([a, 'Bilateral GO is not yet recorded.'], ['Evidence bundle is not yet captured.', b], (x) => x);
    expect(m.reworded.map(([l, r]) => [l, r])).toEqual([[a, b]]);
    expect(m.onlyLeft).toEqual(['Bilateral GO is not yet recorded.']);
    expect(m.onlyRight).toEqual(['Evidence bundle is not yet captured.']);
  });

  it('keeps every two different blockers of a real list apart (below the threshold)', () => {
    for (const [i, x] of BLOCKERS.entries()) for (const y of BLOCKERS.slice(i + 1)) expect(similarity(x, y), `${x} / ${y}`).toBeLessThan(SIMILARITY_THRESHOLD);
    expect(similarity('Bilateral GO is not yet recorded.', 'Evidence bundle is not yet captured.')).toBeLessThan(SIMILARITY_THRESHOLD);
  });
});

describe('markdown tables and JSON arrays of objects', () => {
  it('pairs the tag column and the commit column of a row, even when the row names another tag', () => {
    const facts = scan('docs/R.md', `| Release tag | Notes | Commit |\n| --- | --- | --- |\n| v3.0.0 | rolls back to v2.9.0 | ${SHA} |`);
    expect(facts.pairs).toEqual([{ line: 3, tag: 'v3.0.0', sha: SHA, via: 'line' }]);
  });

  it('under a "Release" heading only a tag counts ("3.0 GA" is a name); under "Tag" any value is the tag', () => {
    expect(scan('docs/R.md', `| Release | Commit |\n| --- | --- |\n| 3.0 GA | ${SHA} |\n| v3.0.0 | ${SHA} |`).pairs.map((p) => `${p.line} ${p.tag}`)).toEqual(['4 v3.0.0']);
    expect(scan('docs/R.md', `| Tag | Commit |\n| --- | --- |\n| \`service-3.0-rc1\` | ${SHA} |`).pairs.map((p) => `${p.line} ${p.tag}`)).toEqual(['3 service-3.0-rc1']);
  });

  it('reads tag/SHA pairs, phase statuses and blockers from a JSON array of objects', () => {
    const text = JSON.stringify(
      {
        title: 'Cutover status (Producer Mirror)',
        updated: '2026-02-10',
        releases: [{ release: 'v3.0.0', commit: SHA }],
        phases: [
          { phase: 5, name: 'soak', status: 'IN_PROGRESS' },
          { name: 'Phase 6 rollback drill', state: 'not started' },
        ],
        blockers: [{ id: 1, title: 'Release tag and commit SHA not yet published' }, 'Rollback evidence not logged'],
      },
      null,
      2,
    );
    const facts = scan('status.json', text);
    expect(facts.pairs.map((p) => `${p.line} ${p.tag} ${p.sha}`)).toEqual([`7 v3.0.0 ${SHA}`]);
    expect(facts.phases.map((c) => `${c.line} Phase ${c.phase}: ${c.word} (${c.status})`)).toEqual(['14 Phase 5: IN_PROGRESS (active)', '18 Phase 6: not started (not-started)']);
    expect(facts.record?.blockers).toEqual([
      { line: 24, value: 'Release tag and commit SHA not yet published' },
      { line: 26, value: 'Rollback evidence not logged' },
    ]);
    expect(facts.record).toMatchObject({ title: 'Cutover status (Producer Mirror)', date: '2026-02-10', mirror: true });
  });

  it('reads a YAML map of phase to status; a pin file with no title, blockers or phases is no record', () => {
    expect(scan('status.yaml', 'phases:\n  "5": active\n  Phase 6: planned\n').phases.map((c) => `${c.line} ${c.phase} ${c.status}`)).toEqual(['2 5 active', '3 6 not-started']);
    expect(scan('pin.json', JSON.stringify({ release_tag: 'v3.0.0', commit_sha: SHA })).record).toBeNull();
  });
});
