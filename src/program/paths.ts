/**
 * Paths a program names, confined to the folder they belong in. The same rule everywhere: no
 * absolute path, no `..` step, and once symlinks are resolved the real path is still inside. Pin
 * files and evidence files always were confined; records (where `render` writes), templates (what
 * `render` reads) and cutover.yaml itself are held to the same rule.
 */
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { invalidInput, type InputProblem } from '../errors.js';

/** The rule of `RepoPath` in the cutover.yaml schema (pin files): relative, with `/`, no `..` step. */
export const REPO_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/;

/** Why `path` is not a path inside a folder, or null when it is one (a pure check on the text). */
export function repoPathProblem(path: string): string | null {
  if (path.includes('\\')) return 'a path with "/" (no backslash)';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'a path without control characters';
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path)) return 'a relative path (not absolute)';
  if (!REPO_PATH.test(path)) return 'a path inside the folder (no ".." step)';
  return null;
}

const outside = (rel: string) => rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);

/**
 * Resolve `file` (relative to `root`, or absolute) to the real path of an existing file inside
 * `root`, symlinks resolved; `source` names it in errors (a flag, or a file and field).
 */
export async function existingFileInside(root: string, file: string, source: string, field = ''): Promise<{ real: string; path: string }> {
  let real: string;
  try {
    real = await realpath(resolve(root, file));
  } catch (e) {
    throw invalidInput({ source, field, expected: 'an existing file', found: (e as NodeJS.ErrnoException).code ?? 'unreadable' });
  }
  const realRoot = await realpath(root);
  const rel = relative(realRoot, real);
  if (rel === '' || outside(rel)) {
    throw invalidInput({ source, field, expected: `a file inside ${realRoot} (symlinks resolved)`, found: `a path that leads outside it (${JSON.stringify(file)})` });
  }
  const stat = await lstat(real);
  if (!stat.isFile()) throw invalidInput({ source, field, expected: 'a regular file', found: stat.isDirectory() ? 'a directory' : 'a special file' });
  return { real, path: rel.split(sep).join('/') };
}

/**
 * Where a file named `path` (a record's path) is written under `root`: the text rule first, then
 * the real path of the nearest folder that exists (a symlinked folder may lead outside), then the
 * file itself when it exists as a symlink. Returns the absolute path to write.
 */
export async function writablePathInside(root: string, path: string, problem: Omit<InputProblem, 'expected' | 'found'>): Promise<string> {
  const why = repoPathProblem(path);
  if (why !== null) throw invalidInput({ ...problem, expected: why, found: JSON.stringify(path) });
  const realRoot = await realpath(root);
  const target = resolve(realRoot, path);
  let existing = target;
  for (;;) {
    const real = await realpath(existing).catch(() => null);
    if (real !== null) {
      const rel = relative(realRoot, real);
      if (outside(rel)) {
        throw invalidInput({ ...problem, expected: `a path inside ${realRoot} (symlinks resolved)`, found: `${JSON.stringify(path)}, which leads to ${real}` });
      }
      break;
    }
    if (dirname(existing) === existing) break;
    existing = dirname(existing);
  }
  const stat = await lstat(target).catch(() => null);
  if (stat !== null && !stat.isFile() && !stat.isSymbolicLink()) {
    throw invalidInput({ ...problem, expected: 'a path to a file', found: `${JSON.stringify(path)}, which is ${stat.isDirectory() ? 'a directory' : 'a special file'}` });
  }
  return target;
}

/** Record paths and template paths of a definition that do not stay inside their folder. Pure. */
export function recordPathProblems(records: readonly { path: string; template?: string | undefined }[]): { path: (string | number)[]; expected: string; found: string }[] {
  return records.flatMap((r, i) =>
    (['path', 'template'] as const).flatMap((field) => {
      const value = r[field];
      const why = value === undefined ? null : repoPathProblem(value);
      const where = field === 'path' ? "inside the party's repository" : 'inside the program folder';
      return why === null ? [] : [{ path: ['records', i, field], expected: `${why}: record ${field}s stay ${where}`, found: JSON.stringify(value) }];
    }),
  );
}
