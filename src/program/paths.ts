/**
 * Paths a program names, confined to the folder they belong in. The same rule everywhere: no
 * absolute path, no `..` step, and once symlinks are resolved the real path is still inside. Pin
 * files and evidence files always were confined; records (where `render` writes), templates (what
 * `render` reads) and cutover.yaml itself are held to the same rule.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readlink, realpath, rename, stat as statOf, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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
 * the file itself, which must not be a symlink at all, wherever it leads, then the real path of the
 * nearest folder that exists (a symlinked folder may lead outside). Returns the absolute path to
 * write (with `replaceFile`).
 */
export async function writablePathInside(root: string, path: string, problem: Omit<InputProblem, 'expected' | 'found'>): Promise<string> {
  const why = repoPathProblem(path);
  if (why !== null) throw invalidInput({ ...problem, expected: why, found: JSON.stringify(path) });
  const realRoot = await realpath(root);
  const target = resolve(realRoot, path);
  await refuseSymlink(target, path, problem);
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
  if (stat !== null && !stat.isFile()) {
    throw invalidInput({ ...problem, expected: 'a path to a file', found: `${JSON.stringify(path)}, which is ${stat.isDirectory() ? 'a directory' : 'a special file'}` });
  }
  return target;
}

/**
 * A symlink at `file` (`path` as the definition names it) is refused, wherever it leads: a dangling
 * one would be created where it points, one inside would write or read another file than the one named.
 */
export async function refuseSymlink(file: string, path: string, problem: Omit<InputProblem, 'expected' | 'found'>): Promise<void> {
  const stat = await lstat(file).catch(() => null);
  if (stat?.isSymbolicLink() !== true) return;
  const to = await readlink(file).catch(() => '?');
  throw invalidInput({ ...problem, expected: 'a file, not a symbolic link', found: `${JSON.stringify(path)}, a symbolic link to ${to}` });
}

/**
 * Replace `file` whole: a draft beside it (created, never opened through a link) renamed over it, so
 * a link planted at `file` after the check is replaced, not followed, and a hard link to a file
 * elsewhere is not written through. An existing file keeps its mode.
 */
export async function replaceFile(file: string, text: string): Promise<void> {
  const draft = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = await statOf(file).then((s) => s.mode & 0o777, () => undefined);
  try {
    await writeFile(draft, text, { flag: 'wx', ...(mode === undefined ? {} : { mode }) });
    await rename(draft, file);
  } catch (e) {
    await unlink(draft).catch(() => undefined);
    throw e;
  }
}

/** At define and amend: no record's own template (relative to the program folder) is a symlink. */
export async function refuseSymlinkedTemplates(records: readonly { template?: string | undefined }[], programDir: string, source: string): Promise<void> {
  for (const [i, r] of records.entries()) {
    if (r.template !== undefined) await refuseSymlink(join(programDir, r.template), r.template, { source, field: `records[${i}].template` });
  }
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
