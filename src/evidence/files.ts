/**
 * Files named as evidence: confined to one folder (no `..`, no absolute path outside it, symlinks
 * resolved and checked), hashed as a stream so a multi-GB file hashes at disk speed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { existingFileInside } from '../program/paths.js';

export interface HashedFile {
  /** Path relative to the folder, with `/`. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Resolve `file` (relative to `root`, or absolute) to a real path inside `root`; `flag` names it in errors. */
export function fileInside(root: string, file: string, flag: string): Promise<{ real: string; path: string }> {
  return existingFileInside(root, file, `${flag} ${file}`);
}

export async function sha256OfFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: `sha256:${hash.digest('hex')}`, bytes };
}

export async function hashFileInside(root: string, file: string, flag: string): Promise<HashedFile> {
  const { real, path } = await fileInside(root, file, flag);
  return { path, ...(await sha256OfFile(real)) };
}
