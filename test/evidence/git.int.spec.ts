/** src/evidence/git.ts against real git on real temporary repositories. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import {
  blobAt,
  checkTarget,
  commitInfo,
  fileAt,
  headCommit,
  openRepo,
  recheckTarget,
  targetFacts,
  type GitRepo,
} from '../../src/evidence/git.js';
import { gitFixture, scratch, type GitFixture } from '../support/git.js';

/** A checkout with three commits on main, opened. */
async function threeCommits(): Promise<{ fx: GitFixture; repo: GitRepo; c: [string, string, string] }> {
  const fx = gitFixture();
  const c: [string, string, string] = [
    fx.commit({ 'a.txt': 'a1\n' }),
    fx.commit({ 'a.txt': 'a2\n' }),
    fx.commit({ 'a.txt': 'a3\n' }),
  ];
  return { fx, repo: await openRepo(fx.dir), c };
}

describe('checkTarget', () => {
  it('accepts a lightweight tag on the commit given', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.tag('v3.0.0', c[1]);
    const check = await checkTarget(repo, 'v3.0.0', c[1]);
    expect(check).toEqual({
      ok: true,
      problems: [],
      facts: {
        tag: 'v3.0.0', sha: c[1], shaWellFormed: true, shaIsCommit: true, tagExists: true, tagCommit: c[1],
        annotated: false, tagObject: null, relation: null, tagsAtSha: [],
      },
    });
  });

  it('accepts an annotated tag on the commit given and reports its tag object', async () => {
    const { fx, repo, c } = await threeCommits();
    const object = fx.annotatedTag('v3.0.0', c[1]);
    expect(object).not.toBe(c[1]);
    const check = await checkTarget(repo, 'v3.0.0', c[1]);
    expect(check.ok).toBe(true);
    expect(check.facts).toMatchObject({ tagCommit: c[1], annotated: true, tagObject: object, relation: null });
  });

  it('peels a tag of a tag down to the commit (for-each-ref %(*objectname) would stop at the inner tag)', async () => {
    const { fx, repo, c } = await threeCommits();
    const inner = fx.annotatedTag('v3.0.0-inner', c[0]);
    const outer = fx.annotatedTag('v3.0.0', 'v3.0.0-inner');
    const check = await checkTarget(repo, 'v3.0.0', c[0]);
    expect(check.ok).toBe(true);
    expect(check.facts).toMatchObject({ tagCommit: c[0], annotated: true, tagObject: outer, tagsAtSha: ['v3.0.0-inner'] });
    expect(outer).not.toBe(inner);
  });

  it('refuses a tag one commit after the SHA a document names', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.annotatedTag('v3.0.0', c[2]);
    const check = await checkTarget(repo, 'v3.0.0', c[1]);
    expect(check.ok).toBe(false);
    expect(check.facts.relation).toEqual({ kind: 'descendant', distance: 1 });
    expect(check.problems).toEqual([`tag v3.0.0 points at ${c[2]} — 1 commit after the SHA given (${c[1]})`]);
  });

  it('refuses a tag three commits before the SHA given', async () => {
    const { fx, repo, c } = await threeCommits();
    const later = [fx.commit({ 'b.txt': 'b\n' }), fx.commit({ 'b.txt': 'b2\n' })];
    fx.tag('v3.0.0', c[0]);
    const sha = later[1] as string;
    const check = await checkTarget(repo, 'v3.0.0', sha);
    expect(check.facts.relation).toEqual({ kind: 'ancestor', distance: 4 });
    fx.tag('v3.0.1', c[1]);
    const three = await checkTarget(repo, 'v3.0.1', sha);
    expect(three.ok).toBe(false);
    expect(three.facts.relation).toEqual({ kind: 'ancestor', distance: 3 });
    expect(three.problems).toEqual([`tag v3.0.1 points at ${c[1]} — 3 commits before the SHA given (${sha})`]);
  });

  it('refuses a tag on unrelated history (an orphan branch)', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.git('checkout', '-q', '--orphan', 'other');
    const orphan = fx.commit({ 'o.txt': 'o\n' }, 'orphan root');
    fx.tag('v3.0.0', orphan);
    const check = await checkTarget(repo, 'v3.0.0', c[2]);
    expect(check.facts.relation).toEqual({ kind: 'unrelated', distance: null });
    expect(check.problems).toEqual([`tag v3.0.0 points at ${orphan}, which is unrelated to the SHA given (no common line of history)`]);
  });

  it('says where two diverged lines split when the tag is on a sibling branch', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.git('checkout', '-q', '-b', 'hotfix', c[0]);
    const hotfix = fx.commit({ 'h.txt': 'h\n' });
    fx.tag('v3.0.0', hotfix);
    const check = await checkTarget(repo, 'v3.0.0', c[2]);
    expect(check.facts.relation).toEqual({ kind: 'unrelated', distance: null });
    expect(check.problems).toEqual([
      `tag v3.0.0 points at ${hotfix}, which is neither before nor after the SHA given (${c[2]}): the two lines of history split after ${c[0]}`,
    ]);
  });

  it('names the tag the SHA given really carries', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.tag('v3.0.0', c[2]);
    fx.annotatedTag('v2.9.0', c[1]);
    fx.tag('v2.9.0-rc1', c[1]);
    const check = await checkTarget(repo, 'v3.0.0', c[1]);
    expect(check.facts.tagsAtSha).toEqual(['v2.9.0', 'v2.9.0-rc1']);
    expect(check.problems).toEqual([
      `tag v3.0.0 points at ${c[2]} — 1 commit after the SHA given (${c[1]})`,
      'the SHA given is tagged v2.9.0, v2.9.0-rc1, not v3.0.0',
    ]);
    // Other tags on the right commit are no problem.
    expect((await checkTarget(repo, 'v2.9.0', c[1])).problems).toEqual([]);
    expect((await checkTarget(repo, 'v2.9.0', c[1])).facts.tagsAtSha).toEqual(['v2.9.0-rc1']);
  });

  it('refuses SHAs that are abbreviated, not hex, upper case, not a commit, or absent', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.tag('v3.0.0', c[2]);
    for (const bad of [c[2].slice(0, 12), 'g'.repeat(40), c[2].toUpperCase(), `${c[2]}0`, '']) {
      const check = await checkTarget(repo, 'v3.0.0', bad);
      expect(check.facts).toMatchObject({ shaWellFormed: false, shaIsCommit: false, tagCommit: c[2], relation: null, tagsAtSha: [] });
      expect(check.problems).toEqual([`${bad} is not a full 40-hex commit SHA`, `tag v3.0.0 points at ${c[2]}`]);
    }
    const tree = fx.rev(`${c[2]}^{tree}`);
    const blob = fx.rev(`${c[2]}:a.txt`);
    const absent = 'f'.repeat(40);
    for (const [sha, what] of [[tree, ' (it is a tree)'], [blob, ' (it is a blob)'], [absent, '']] as const) {
      const check = await checkTarget(repo, 'v3.0.0', sha);
      expect(check.facts).toMatchObject({ shaWellFormed: true, shaIsCommit: false, tagExists: true });
      expect(check.problems).toEqual([`no commit ${sha} in ${fx.dir}${what}`, `tag v3.0.0 points at ${c[2]}`]);
    }
  });

  it('refuses a tag that does not exist, even when a branch of that name does', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.git('branch', 'v3.0.0', c[2]);
    fx.tag('v3.0.0/rc1', c[2]); // a prefix match must not count either
    const check = await checkTarget(repo, 'v3.0.0', c[2]);
    expect(check.facts).toMatchObject({ tagExists: false, tagCommit: null, annotated: null, tagObject: null, relation: null });
    expect(check.facts.tagsAtSha).toEqual(['v3.0.0/rc1']);
    expect(check.problems).toEqual([`no tag v3.0.0 in ${fx.dir}`, 'the SHA given is tagged v3.0.0/rc1, not v3.0.0']);
  });

  it('refuses a tag that points at a tree, not a commit', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.tag('v3.0.0', `${c[2]}^{tree}`);
    const check = await checkTarget(repo, 'v3.0.0', c[2]);
    expect(check.facts).toMatchObject({ tagExists: true, tagCommit: null, annotated: false });
    expect(check.problems).toEqual(['tag v3.0.0 does not point at a commit (it points at a tree)']);
  });

  it('gives the same facts from a bare clone', async () => {
    const { fx, repo, c } = await threeCommits();
    fx.annotatedTag('v3.0.0', c[2]);
    fx.tag('v2.9.0', c[1]);
    const bare = await openRepo(fx.cloneBare());
    expect(bare.bare).toBe(true);
    expect(repo.bare).toBe(false);
    for (const [tag, sha] of [['v3.0.0', c[2]], ['v3.0.0', c[1]], ['v2.9.0', c[0]], ['nope', c[0]]] as const) {
      expect(await targetFacts(bare, tag, sha)).toEqual(await targetFacts(repo, tag, sha));
    }
    expect(await headCommit(bare)).toBe(c[2]);
  });

  it('warns that "unrelated" may be an artefact of a shallow clone', async () => {
    const { fx, c } = await threeCommits();
    fx.git('checkout', '-q', '-b', 'hotfix', c[0]);
    const hotfix = fx.commit({ 'h.txt': 'h\n' });
    fx.tag('v3.0.0', hotfix);
    // Both tips fetched, their common ancestor c[0] not: git cannot see that they are related.
    const shallow = join(fx.root, 'shallow');
    fx.git('clone', '-q', '--depth', '1', '--no-single-branch', `file://${fx.dir}`, shallow);
    const check = await checkTarget(await openRepo(shallow), 'v3.0.0', c[2]);
    expect(check.facts.relation).toEqual({ kind: 'unrelated', distance: null });
    expect(check.problems).toEqual([
      `tag v3.0.0 points at ${hotfix}, which is unrelated to the SHA given (no common line of history)` +
        '; but this is a shallow clone, whose history is cut off: check in a full clone',
    ]);
  });
});

describe('recheckTarget', () => {
  it('is ok when nothing changed since publication', async () => {
    const { fx, repo, c } = await threeCommits();
    const object = fx.annotatedTag('v3.0.0', c[1]);
    const published = await checkTarget(repo, 'v3.0.0', c[1]);
    expect(published.facts.tagObject).toBe(object);
    const again = await recheckTarget(repo, { tag: 'v3.0.0', sha: c[1], annotated: true, tagObject: object });
    expect(again).toMatchObject({ ok: true, problems: [] });
  });

  it('names both the new tag object and the new commit when an annotated tag was re-created elsewhere', async () => {
    const { fx, repo, c } = await threeCommits();
    const old = fx.annotatedTag('v3.0.0', c[1]);
    fx.deleteTag('v3.0.0');
    const now = fx.annotatedTag('v3.0.0', c[2]);
    const again = await recheckTarget(repo, { tag: 'v3.0.0', sha: c[1], annotated: true, tagObject: old });
    expect(again.ok).toBe(false);
    expect(again.problems).toEqual([
      `tag v3.0.0 moved: it pointed at ${c[1]} when published, now at ${c[2]} (1 commit after it)`,
      `tag v3.0.0 was re-created: its tag object is now ${now}, it was ${old} when published`,
    ]);
  });

  it('catches an annotated tag re-created on the same commit', async () => {
    const { fx, repo, c } = await threeCommits();
    const old = fx.annotatedTag('v3.0.0', c[1]);
    fx.deleteTag('v3.0.0');
    const now = fx.annotatedTag('v3.0.0', c[1], 'release v3.0.0, again');
    const again = await recheckTarget(repo, { tag: 'v3.0.0', sha: c[1], annotated: true, tagObject: old });
    expect(again.problems).toEqual([`tag v3.0.0 was re-created: its tag object is now ${now}, it was ${old} when published`]);
  });

  it('reports a deleted tag, and an annotated tag replaced by a lightweight one', async () => {
    const { fx, repo, c } = await threeCommits();
    const old = fx.annotatedTag('v3.0.0', c[1]);
    const recorded = { tag: 'v3.0.0', sha: c[1], annotated: true, tagObject: old };
    fx.deleteTag('v3.0.0');
    expect((await recheckTarget(repo, recorded)).problems).toEqual(['tag v3.0.0 was deleted']);
    fx.tag('v3.0.0', c[0]);
    expect((await recheckTarget(repo, recorded)).problems).toEqual([
      `tag v3.0.0 moved: it pointed at ${c[1]} when published, now at ${c[0]} (1 commit before it)`,
      'tag v3.0.0 was annotated when published and is now lightweight',
    ]);
  });
});

describe('commitInfo', () => {
  it('lists exactly the files a commit changes, with statuses and new blob ids', async () => {
    const fx = gitFixture();
    const root = fx.commit({ 'pins/a.env': 'A=1\n', 'pins/b.env': 'B=1\n', 'README.md': 'readme\n' }, 'initial pins');
    const repin = fx.commit({ 'pins/a.env': 'A=2\n', 'README.md': null, 'pins/c.env': 'C=1\n' }, 'repin to v3.0.0\n\nbody text');
    const repo = await openRepo(fx.dir);

    const info = await commitInfo(repo, 'HEAD');
    expect(info).toEqual({
      sha: repin,
      parents: [root],
      subject: 'repin to v3.0.0',
      files: [
        { path: 'README.md', status: 'D', blob: null },
        { path: 'pins/a.env', status: 'M', blob: fx.rev(`${repin}:pins/a.env`) },
        { path: 'pins/c.env', status: 'A', blob: fx.rev(`${repin}:pins/c.env`) },
      ],
    });

    const first = await commitInfo(repo, root.slice(0, 10));
    expect(first.sha).toBe(root);
    expect(first.parents).toEqual([]);
    expect(first.files).toEqual(
      ['README.md', 'pins/a.env', 'pins/b.env'].map((path) => ({ path, status: 'A', blob: fx.rev(`${root}:${path}`) })),
    );
  });

  it('changes 2 of 3 files', async () => {
    const fx = gitFixture();
    fx.commit({ 'one.txt': '1\n', 'two.txt': '2\n', 'three.txt': '3\n' });
    const sha = fx.commit({ 'one.txt': '1b\n', 'three.txt': '3b\n' });
    const info = await commitInfo(await openRepo(fx.dir), sha);
    expect(info.files).toEqual([
      { path: 'one.txt', status: 'M', blob: fx.rev(`${sha}:one.txt`) },
      { path: 'three.txt', status: 'M', blob: fx.rev(`${sha}:three.txt`) },
    ]);
  });

  it('diffs a merge against its first parent (diff-tree alone prints nothing for a merge)', async () => {
    const fx = gitFixture();
    const base = fx.commit({ 'x.txt': 'x\n' });
    fx.git('checkout', '-q', '-b', 'side');
    fx.commit({ 'side.txt': 's\n' });
    fx.git('checkout', '-q', 'main');
    const main = fx.commit({ 'main.txt': 'm\n' });
    fx.git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    const info = await commitInfo(await openRepo(fx.dir), 'HEAD');
    expect(info.parents[0]).toBe(main);
    expect(info.parents).toHaveLength(2);
    expect(info.subject).toBe('merge side');
    expect(info.files).toEqual([{ path: 'side.txt', status: 'A', blob: fx.rev('HEAD:side.txt') }]);
    expect(base).not.toBe(main);
  });

  it('refuses a rev that is not a commit, naming the flag', async () => {
    const fx = gitFixture();
    const sha = fx.commit({ 'a.txt': 'a\n' });
    const repo = await openRepo(fx.dir);
    for (const [rev, found] of [
      ['no-such-branch', '"no-such-branch", which is not a commit there'],
      [`${sha}:a.txt`, `"${sha}:a.txt", which is a blob`],
      ['--all', '"--all"'],
    ] as const) {
      const error = await commitInfo(repo, rev, '--repin-commit').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).message).toBe(`--repin-commit: expected a commit in ${fx.dir}, found ${found}`);
    }
  });
});

describe('fileAt / blobAt / headCommit', () => {
  it('reads a file as it was at an older commit, and null where it does not exist', async () => {
    const fx = gitFixture();
    const old = fx.commit({ 'pins/service.env': 'SERVICE=v2\n', 'dir/x': 'x' });
    const now = fx.commit({ 'pins/service.env': 'SERVICE=v3\n', 'new.txt': 'new' });
    const repo = await openRepo(fx.dir);
    expect((await fileAt(repo, old, 'pins/service.env'))?.toString('utf8')).toBe('SERVICE=v2\n');
    expect((await fileAt(repo, now, 'pins/service.env'))?.toString('utf8')).toBe('SERVICE=v3\n');
    expect(await blobAt(repo, old, 'pins/service.env')).toBe(fx.rev(`${old}:pins/service.env`));
    expect(await fileAt(repo, old, 'new.txt')).toBeNull();
    expect(await blobAt(repo, old, 'new.txt')).toBeNull();
    expect(await blobAt(repo, old, 'dir')).toBeNull(); // a folder is not a file
    expect(await headCommit(repo)).toBe(now);
  });

  it('reads large and binary files whole', async () => {
    const fx = gitFixture();
    const big = Buffer.alloc(3 * 1024 * 1024, 0);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 256;
    mkdirSync(join(fx.dir, 'bin'));
    writeFileSync(join(fx.dir, 'bin/blob.dat'), big);
    const sha = fx.commit({});
    const read = await fileAt(await openRepo(fx.dir), sha, 'bin/blob.dat');
    expect(read?.equals(big)).toBe(true);
  });

  it('has no HEAD commit in an empty repository', async () => {
    const fx = gitFixture();
    expect(await headCommit(await openRepo(fx.dir))).toBeNull();
  });
});

describe('openRepo', () => {
  it('refuses a plain folder, naming the flag and the path', async () => {
    const plain = scratch('cutover-plain-');
    const error = await openRepo(plain, '--producer-repo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toBe(
      `--producer-repo: expected a git repository (a checkout or a bare repository), found ${plain}, which is not a git repository`,
    );
  });

  it('refuses a missing path, and a folder inside a checkout (git would use the enclosing repository)', async () => {
    const fx = gitFixture();
    fx.commit({ 'sub/a.txt': 'a' });
    await expect(openRepo(join(fx.dir, 'sub'))).rejects.toThrow(
      `--repo: expected a git repository (a checkout or a bare repository), found ${join(fx.dir, 'sub')}, which is a folder inside the git repository`,
    );
    await expect(openRepo(join(fx.root, 'missing'))).rejects.toThrow(`found ${join(fx.root, 'missing')}, which does not exist`);
    await expect(openRepo(join(fx.dir, '.git'))).rejects.toThrow(/which is inside the git folder/);
  });

  it('ignores GIT_DIR and friends in the environment (a hook or CI step may have set them)', async () => {
    const fx = gitFixture();
    const mine = fx.commit({ 'a.txt': 'a' });
    const other = gitFixture();
    other.commit({ 'b.txt': 'b' });
    const saved = { dir: process.env.GIT_DIR, tree: process.env.GIT_WORK_TREE };
    process.env.GIT_DIR = join(other.dir, '.git');
    process.env.GIT_WORK_TREE = other.dir;
    try {
      const repo = await openRepo(fx.dir);
      expect(await headCommit(repo)).toBe(mine);
      await expect(openRepo(scratch())).rejects.toThrow(/which is not a git repository/);
    } finally {
      if (saved.dir === undefined) delete process.env.GIT_DIR; else process.env.GIT_DIR = saved.dir;
      if (saved.tree === undefined) delete process.env.GIT_WORK_TREE; else process.env.GIT_WORK_TREE = saved.tree;
    }
  });

  it('opens a checkout and a bare repository', async () => {
    const fx = gitFixture();
    fx.commit({ 'a.txt': 'a' });
    expect(await openRepo(fx.dir)).toEqual({ path: fx.dir, bare: false });
    const bare = fx.cloneBare();
    expect(await openRepo(bare)).toEqual({ path: bare, bare: true });
  });
});
