/**
 * Real git repositories for tests, built in a temporary folder and removed after each test.
 * The folder is also HOME (and XDG_CONFIG_HOME) and GIT_CONFIG_NOSYSTEM is set, so the developer's
 * git configuration never leaks in; author, committer and dates are fixed, signing is off.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './temp.js';

/** A fresh temporary folder, removed after the test. */
export function scratch(prefix = 'cutover-git-'): string {
  return tempDir(prefix);
}

export interface GitFixture {
  /** The checkout (`<root>/<name>`, `<root>/repo` by default). */
  readonly dir: string;
  /** The temporary root: HOME for git, and room for bare clones and plain folders beside the checkout. */
  readonly root: string;
  /** Run git in the checkout; returns stdout, trimmed. */
  git(...args: string[]): string;
  /** Write (string) or delete (null) files, commit them all, return the new commit's full sha. */
  commit(files: Record<string, string | null>, message?: string): string;
  /** The full id `rev` resolves to (`git rev-parse <rev>`). */
  rev(rev: string): string;
  /** A lightweight tag. */
  tag(name: string, rev?: string): void;
  /** An annotated tag (`git tag -a -m`); returns the tag object's id. */
  annotatedTag(name: string, rev?: string, message?: string): string;
  deleteTag(name: string): void;
  /** `git clone --bare` of the checkout into `<root>/<name>`; returns its path. */
  cloneBare(name?: string): string;
}

export function gitFixture(name = 'repo'): GitFixture {
  const root = scratch();
  const dir = join(root, name);
  mkdirSync(dir);
  // Only PATH from the outside world: no GIT_DIR or similar from a hook, no user or system config.
  const env = { PATH: process.env.PATH ?? '', HOME: root, XDG_CONFIG_HOME: root, GIT_CONFIG_NOSYSTEM: '1' };
  let clock = 1_767_225_600; // 2026-01-01T00:00:00Z; one second per commit or tag, so ids are reproducible
  let counter = 0;
  const at = () => `@${clock++} +0000`;

  const run = (cwd: string, args: string[]): string =>
    execFileSync('git', args, { cwd, env: { ...env, GIT_AUTHOR_DATE: at(), GIT_COMMITTER_DATE: at() }, encoding: 'utf8' }).trim();
  const git = (...args: string[]) => run(dir, args);

  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Cutover Test');
  git('config', 'user.email', 'test@cutover.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('config', 'tag.gpgsign', 'false');
  git('config', 'advice.nestedTag', 'false');

  const rev = (r: string) => git('rev-parse', '--verify', '--end-of-options', r);
  return {
    dir,
    root,
    git,
    rev,
    commit(files, message = `commit ${++counter}`) {
      for (const [path, content] of Object.entries(files)) {
        const file = join(dir, path);
        if (content === null) rmSync(file);
        else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, content);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return rev('HEAD');
    },
    tag(name, target = 'HEAD') {
      git('tag', name, target);
    },
    annotatedTag(name, target = 'HEAD', message = `release ${name}`) {
      git('tag', '-a', '-m', message, name, target);
      return rev(`refs/tags/${name}`);
    },
    deleteTag(name) {
      git('tag', '-d', name);
    },
    cloneBare(name = 'bare.git') {
      const path = join(root, name);
      run(root, ['clone', '-q', '--bare', dir, path]);
      return path;
    },
  };
}
