/**
 * The audit's `NAME=…` arguments: `--repo NAME=DIR` (a name chosen for a folder, when two folders
 * share one) and `--rev NAME=REV` (one repository at its own commit). Pure: names are checked
 * against the repositories by the caller once they are open.
 */
import { invalidInput } from '../errors.js';

/** A repository name: what findings, `--producer`, `REPO:PATH` and `NAME=REV` use. No `/`, `:` or `=`. */
const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface RepoSpec {
  /** The folder, as given (the caller resolves it). */
  readonly path: string;
  /** Given with `NAME=DIR`; otherwise the folder's name without `.git` is used. */
  readonly name?: string;
}

/**
 * `NAME=DIR` or `DIR`. Only a plain name before the first `=` makes it `NAME=DIR`, so a folder whose
 * name holds `=` is still reachable as `./a=b`.
 */
export function parseRepoSpec(value: string): RepoSpec {
  const eq = value.indexOf('=');
  if (eq < 1) return { path: value };
  const name = value.slice(0, eq);
  if (!REPO_NAME.test(name)) return { path: value };
  const path = value.slice(eq + 1);
  if (path === '') throw invalidInput({ source: '--repo', field: name, expected: 'NAME=DIR with a folder after "="', found: JSON.stringify(value) });
  return { name, path };
}

/** The folder's name without `.git`: `repo.git` and `repo` are both "repo". */
export function derivedName(folder: string): string {
  const base = folder.replace(/[/\\]+$/, '');
  return base.slice(Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\')) + 1).replace(/\.git$/, '');
}

export interface RevSpec {
  /** The revision of every repository not named below. */
  readonly all: string;
  /** Repository name → its own revision. */
  readonly byRepo: ReadonlyMap<string, string>;
}

/**
 * `--rev REV` (at most once) and `--rev NAME=REV` (once per repository), against the repository
 * names. A value is `NAME=REV` when what stands before its first `=` is a plain name; a git revision
 * with `=` in it (`HEAD^{/a=b}`) does not start with one.
 */
export function parseRevSpecs(flag: string, values: readonly string[], names: readonly string[], fallback = 'HEAD'): RevSpec {
  let all: string | null = null;
  const byRepo = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq > 0 ? value.slice(0, eq) : '';
    if (eq > 0 && REPO_NAME.test(name)) {
      if (!names.includes(name)) throw invalidInput({ source: flag, field: name, expected: `NAME=REV with NAME one of the repositories (${names.join(', ')})`, found: JSON.stringify(value) });
      if (byRepo.has(name)) throw invalidInput({ source: flag, field: name, expected: 'one revision for each repository', found: `${name} twice (${byRepo.get(name)} and ${value.slice(eq + 1)})` });
      byRepo.set(name, value.slice(eq + 1));
    } else {
      if (all !== null) throw invalidInput({ source: flag, field: '', expected: `one plain ${flag} REV (for every repository), then ${flag} NAME=REV for the others`, found: `${JSON.stringify(all)} and ${JSON.stringify(value)}` });
      all = value;
    }
  }
  return { all: all ?? fallback, byRepo };
}
