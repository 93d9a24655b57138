/**
 * A file-system error that reaches the CLI is about the user's files, not a bug in cutover: a
 * ledger path that is a folder, a file that cannot be read. It is reported as bad input (exit 2)
 * naming the path, instead of an internal error with a stack trace.
 */
import { InvalidInputError } from '../errors.js';

const FOUND: Readonly<Record<string, string>> = {
  EISDIR: 'a directory',
  ENOTDIR: 'a path through something that is not a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'no permission',
  EPERM: 'an operation not permitted',
  ELOOP: 'a loop of symlinks',
  ENAMETOOLONG: 'a name too long',
  EROFS: 'a read-only file system',
};

export function asInputError(error: unknown): InvalidInputError | null {
  const e = error as NodeJS.ErrnoException | null;
  if (e === null || typeof e !== 'object' || typeof e.code !== 'string' || typeof e.path !== 'string') return null;
  const found = FOUND[e.code];
  if (found === undefined) return null;
  return new InvalidInputError([{ source: e.path, field: '', expected: e.code === 'EISDIR' ? 'a file' : 'a file that can be read and written', found: `${found} (${e.code} in ${e.syscall ?? 'a file operation'})` }]);
}
