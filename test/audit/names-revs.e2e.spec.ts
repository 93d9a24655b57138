/** Repositories cloned to folders of the same name (--repo NAME=DIR), one revision per repository (--rev NAME=REV), git's well-known ids. */
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report.js';
import { cutover } from '../support/cli.js';
import { cleanRepo, plantedRepos } from './planted.js';

const audit = (...args: string[]) => cutover(['audit', ...args]);
const json = (...args: string[]) => {
  const r = audit(...args, '--json');
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout || 'null') as AuditReport };
};
const where = (r: AuditReport) => r.findings.map((f) => `${f.kind} ${f.location.repo}:${f.location.file}:${f.location.line}`);

describe('cutover audit: repositories cloned to folders of the same name', () => {
  it('refuses two folders that give one name, naming both and how to name them; --repo NAME=DIR audits them', () => {
    const { producer, consumer } = plantedRepos();
    const p = producer.cloneBare('repo.git');
    const c = consumer.cloneBare('repo.git');
    const refused = audit('--repo', p, '--repo', c);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--repo: expected repositories with different names (findings are named by them): name one with --repo NAME=DIR, found repo twice (${p} and ${c})`);

    const named = json('--repo', `MemoryKernel=${p}`, '--repo', `AssistSupport=${c}`, '--producer', 'MemoryKernel');
    const byFolder = json('--repo', producer.dir, '--repo', consumer.dir, '--producer', 'MemoryKernel');
    expect(named.stderr).toBe('');
    expect(named.report.repos.map((r) => `${r.name} ${r.path}`)).toEqual([`MemoryKernel ${p}`, `AssistSupport ${c}`]);
    expect(where(named.report)).toEqual(where(byFolder.report));
    expect(named.code).toBe(1);
  });

  it('a checkout and a bare clone of it are both named without .git, so they need names too', () => {
    const repo = cleanRepo();
    const bare = repo.cloneBare('Clean.git');
    expect(audit('--repo', repo.dir, '--repo', bare).stderr).toMatch(/found Clean twice/);
    const r = json('--repo', repo.dir, '--repo', `mirror=${bare}`);
    expect(r.report.repos.map((x) => x.name)).toEqual(['Clean', 'mirror']);
    expect(r.code).toBe(0);
  });
});

describe('cutover audit: --rev NAME=REV', () => {
  it('audits each repository at its own revision: the consumer before its repin has none of its findings', () => {
    const { producer, consumer } = plantedRepos();
    const beforeRepin = consumer.rev('HEAD~1');
    const r = json('--repo', producer.dir, '--repo', consumer.dir, '--rev', 'HEAD', '--rev', 'AssistSupport=HEAD~1');
    expect(r.report.repos.map((x) => `${x.name} ${x.rev}`)).toEqual([`MemoryKernel ${producer.rev('HEAD')}`, `AssistSupport ${beforeRepin}`]);
    expect(r.report.findings.filter((f) => f.location.repo === 'AssistSupport')).toEqual([]);
    // The producer's own findings stay; its mirror now has no record on the other side.
    expect(where(r.report).filter((w) => w.startsWith('tag-sha-pair'))).toEqual(['tag-sha-pair MemoryKernel:docs/RELEASES.md:5']);
    // NAME=REV alone leaves the others at HEAD.
    const alone = json('--repo', producer.dir, '--repo', consumer.dir, '--rev', `AssistSupport=${beforeRepin}`);
    expect(alone.report.repos.map((x) => x.rev)).toEqual([producer.rev('HEAD'), beforeRepin]);
  });

  it.each<[string, string[], RegExp]>([
    ['a name that is no repository', ['--rev', 'Nope=HEAD'], /--rev: field Nope: expected NAME=REV with NAME one of the repositories \(MemoryKernel, AssistSupport\), found "Nope=HEAD"/],
    ['one repository twice', ['--rev', 'AssistSupport=HEAD', '--rev', 'AssistSupport=HEAD~1'], /--rev: field AssistSupport: expected one revision for each repository, found AssistSupport twice/],
    ['two plain revisions', ['--rev', 'HEAD', '--rev', 'HEAD~1'], /--rev: expected one plain --rev REV \(for every repository\)/],
    ['a revision one repository does not have', ['--rev', 'AssistSupport=v3.0.0'], /--rev: expected a commit in .*AssistSupport, found "v3.0.0"/],
  ])('exits 2 on %s', (_, args, message) => {
    const { producer, consumer } = plantedRepos();
    const r = audit('--repo', producer.dir, '--repo', consumer.dir, ...args);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });
});

describe("cutover audit: git's well-known ids", () => {
  it('the null SHA in a workflow and the empty tree in a runbook are no findings; a SHA one digit off the null SHA still is', () => {
    const repo = cleanRepo();
    const workflow = `on: push\njobs:\n  diff:\n    runs-on: ubuntu-latest\n    if: github.event.before != '0000000000000000000000000000000000000000'\n    steps:\n      - run: git diff --stat \${{ github.event.before }} \${{ github.sha }}\n`;
    const runbook = `# Runbook\n\nA first release diffs against the empty tree: \`git diff 4b825dc642cb6eb9a060e54bf8d69288fbee4904 HEAD\` (commit 4b825dc).\nAn empty file is blob e69de29bb2d1d64e6d04bc3d0d5d7bed2da3d1b3.\n`;
    repo.commit({ '.github/workflows/diff.yml': workflow, 'docs/RUNBOOK.md': runbook }, 'workflow and runbook');
    const clean = json('--repo', repo.dir);
    expect(clean.report.findings).toEqual([]);
    expect(clean.code).toBe(0);

    repo.commit({ '.github/workflows/diff.yml': workflow.replace("'0000000000000000000000000000000000000000'", "'0000000000000000000000000000000000000001'") }, 'not the null SHA');
    expect(where(json('--repo', repo.dir).report)).toEqual(['unknown-sha Clean:.github/workflows/diff.yml:5']);
  });
});
