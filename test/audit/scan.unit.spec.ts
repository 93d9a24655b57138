/** What a line claims, from its text alone: commit ids are claims, ordinary hex is not. */
import { describe, expect, it } from 'vitest';
import { looksLikeReleaseTag, scanFile } from '../../src/audit/scan.js';

const SHA = '4f2c9a1b7d3e5f60718293a4b5c6d7e8f9012345';
const scan = (path: string, text: string) => scanFile(path, text, { isTag: looksLikeReleaseTag, repoNames: ['MemoryKernel'] });

describe('scan: commit claims and ordinary hex', () => {
  it.each<[string, string, { full?: number; short?: number; pairs?: number }]>([
    ['a tag and a SHA on one line pair up', `Runtime target: v3.0.0 at ${SHA}`, { full: 1, pairs: 1 }],
    ['a short id after "commit"', 'fixed in commit 4f2c9a1', { short: 1 }],
    ['a short id in a column headed "commit"', '| tag | commit |\n| --- | --- |\n| v3.0.0 | 4f2c9a1 |', { short: 1, pairs: 1 }],
    ['a short id without a commit context', 'ticket 4f2c9a1', {}],
    ['hex letters only, no digit', 'the commit of a decade: facade', {}],
    ['a UUID', 'commit for request 3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f', {}],
    ['a CSS colour and a 0x number', 'commit colours #1a2b3c4d and 0x7f3a9c1', {}],
    ['a sha256 digest', `sha256:${'ab12'.repeat(16)}`, {}],
    ['a sha1 of a file', `- sha1 of drill.log: ${SHA}`, {}],
    ['a hash column of a table', `| file | sha1 |\n| --- | --- |\n| a.log | ${SHA} |`, {}],
    ['a commit hash is still a commit', `commit hash ${SHA}`, { full: 1 }],
    ["another project's commit URL", `https://github.com/other/lib/commit/${SHA}`, {}],
    ['a commit URL of an audited repository', `https://github.com/org/MemoryKernel/commit/${SHA}`, { full: 1 }],
  ])('%s', (_, text, expected) => {
    const facts = scan('docs/x.md', text);
    expect({ full: facts.fullShas.length, short: facts.shortShas.length, pairs: facts.pairs.length }).toEqual({ full: 0, short: 0, pairs: 0, ...expected });
  });

  it('pairs release_tag and commit_sha of one JSON object, at the line of the SHA, with their pointers', () => {
    const facts = scan('pin.json', JSON.stringify({ target: { release_tag: 'v3.0.0', commit_sha: SHA, manifest_sha256: 'ab'.repeat(32) } }, null, 2));
    expect(facts.pairs).toEqual([{ line: 4, tag: 'v3.0.0', sha: SHA, via: 'object', pointers: { tag: '/target/release_tag', sha: '/target/commit_sha' } }]);
  });

  it('counts absolute machine paths per line, and not repository-relative ones', () => {
    const facts = scan('r.md', '- `/Users/d/Projects/MemoryKernel/docs/a.md`\n- MemoryKernel: docs/a.md\n- C:\\Users\\ops\\b.log and /home/ci/c.md\n');
    expect(facts.paths.map((p) => `${p.line} ${p.path}`)).toEqual(['1 /Users/d/Projects/MemoryKernel/docs/a.md', '3 C:\\Users\\ops\\b.log', '3 /home/ci/c.md']);
  });

  it('reads the record family: outcomes, window, blockers (top level only), phases, roles, date', () => {
    const text = `# Runtime Cutover Decision Record (Producer Mirror)\n\nUpdated: 2026-02-08\n\n## Decision Outcome\n1. Runtime cutover execution: **NO-GO**\n\n## Runtime Cutover Window\n- Status: **Not approved**\n\n## Ownership (Named Roles)\n- Joint decision log owner role: Integration Program Owner\n\n## Remaining Blockers\n1. One.\n   - detail\n2. Two.\n\n## Phase Status Mapping\n- Phase 8: **Not Started** (blocked)\n`;
    const r = scan('docs/r.md', text).record;
    expect(r).toMatchObject({ title: 'Runtime Cutover Decision Record (Producer Mirror)', date: '2026-02-08', mirror: true, window: { value: 'Not approved' } });
    expect([...(r?.outcomes.values() ?? [])].map((o) => `${o.label}=${o.value}`)).toEqual(['Runtime cutover execution=NO-GO']);
    expect(r?.blockers.map((b) => b.value)).toEqual(['One.', 'Two.']);
    expect(r?.phases.map((p) => `${p.phase} ${p.status}`)).toEqual(['8 not-started']);
    expect(r?.roles).toEqual([{ line: 12, role: 'Joint decision log owner', title: 'Integration Program Owner' }]);
  });
});
