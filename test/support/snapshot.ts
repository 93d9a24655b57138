/**
 * A folder's contents, to show a refused command changed nothing: every file's bytes (as a sha256),
 * every folder and every symlink's target, by relative path. Compare two with `toEqual`.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export type Snapshot = Readonly<Record<string, string>>;

export function snapshot(dir: string): Snapshot {
  const entries: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const stat = lstatSync(join(dir, path));
      if (stat.isSymbolicLink()) entries[path] = `symlink → ${readlinkSync(join(dir, path))}`;
      else if (stat.isDirectory()) {
        entries[path] = 'folder';
        walk(path);
      } else entries[path] = `sha256:${createHash('sha256').update(readFileSync(join(dir, path))).digest('hex')}`;
    }
  };
  walk('');
  return entries;
}
