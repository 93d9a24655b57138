/**
 * A verified checkpoint of a ledger file, kept outside the repository (in a cache folder, one file
 * per ledger path): how far the file was verified, what its bytes were up to there, and the state folded from
 * them. It saves re-reading; it is never trusted blindly:
 *
 * - When the file's stat (device, inode, size, mtime, ctime: the rule git's index uses) is unchanged,
 *   nothing before the offset is read.
 * - Otherwise the bytes before the offset are hashed again, block by block, and compared; only then
 *   are the lines after it verified and folded.
 * - A checkpoint that does not match, of another version, or unreadable, is ignored with a note.
 *
 * The digest is kept per block of 1 MiB so that it moves forward with an append by re-hashing only
 * the last, partial block.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export const CHECKPOINT_VERSION = 1;
const BLOCK_BYTES = 1 << 20;

/** What identifies the file's bytes without reading them. */
export interface FileStamp {
  readonly dev: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
}

/**
 * What any checkpoint holds, wherever it is kept (a cache file for the CLI, a row in PostgreSQL for
 * the server): how far the ledger's bytes were verified, their digest, and the state folded from them.
 */
export interface VerifiedPrefix<State> {
  readonly version: typeof CHECKPOINT_VERSION;
  /** The code that folded `state`: another build folds differently, so its state is not reused. */
  readonly fold: string;
  /** Bytes of the ledger covered (its lines, each with its newline, as the file holds them): complete lines only. */
  readonly offset: number;
  readonly seq: number;
  readonly head: string | null;
  /** sha256 of each 1 MiB block before the offset (the last one partial), hex. */
  readonly blocks: readonly string[];
  readonly state: State;
  /** The last line before the offset, as stored (the next line must chain to it). */
  readonly last: string | null;
}

export interface Checkpoint<State> extends VerifiedPrefix<State> {
  /** The ledger file's absolute path. */
  readonly ledger: string;
  readonly stamp: FileStamp;
}

/** Where the checkpoint of a ledger file lives in `cacheDir`: named by the ledger's absolute path. */
export function checkpointPath(cacheDir: string, ledger: string): string {
  return join(cacheDir, 'checkpoints', `${createHash('sha256').update(resolve(ledger)).digest('hex').slice(0, 40)}.json`);
}

export async function stampOf(path: string): Promise<FileStamp | null> {
  const s = await stat(path, { bigint: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  return s === null ? null : { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export type CheckpointRead<State> = { readonly checkpoint: Checkpoint<State> } | { readonly note: string } | null;

/**
 * A checkpoint's text as stored, carrying a digest of its own content: one damaged where it is kept
 * is never mistaken for a good one.
 */
export function sealCheckpoint(content: object): string {
  return JSON.stringify({ ...content, digest: contentDigest(content) });
}

/** Why a stored checkpoint is not used: a note to show, and whether it was only written by another build. */
export interface Unusable {
  readonly note: string;
  /** Written by another build of cutover (its fold differs): an upgrade, not damage. */
  readonly otherBuild?: true;
}

/**
 * The checkpoint in `text` (as `sealCheckpoint` wrote it), when it is whole, of this format version,
 * folded by this build (`fold`) and well-formed; else why not. `where` names it in notes. `belongs`
 * checks what only its keeper knows (the file it is for), before the version is looked at.
 */
export function openCheckpoint<P extends VerifiedPrefix<unknown>>(text: string, where: string, fold: string, belongs: (value: Partial<P>) => string | null = () => null): { readonly checkpoint: P } | Unusable {
  let value: Partial<P>;
  try {
    const { digest, ...content } = JSON.parse(text) as Partial<P> & { digest?: string };
    if (digest !== contentDigest(content)) return { note: `${where} is corrupt; verifying the whole ledger` };
    value = content as Partial<P>;
  } catch {
    return { note: `${where} is corrupt; verifying the whole ledger` };
  }
  const stranger = belongs(value);
  if (stranger !== null) return { note: `${where} is for ${stranger}; verifying the whole ledger` };
  if (value.version !== CHECKPOINT_VERSION) return { note: `${where} is of another format version (${JSON.stringify(value.version)}); verifying the whole ledger` };
  if (value.fold !== fold) return { note: `${where} was folded by another build of cutover (${JSON.stringify(value.fold)}); verifying the whole ledger`, otherBuild: true };
  const wellFormed =
    Number.isSafeInteger(value.offset) && Number.isSafeInteger(value.seq) && Array.isArray(value.blocks) && typeof value.state === 'object' && value.state !== null &&
    value.blocks.length === Math.ceil(value.offset! / BLOCK_BYTES) && value.blocks.every((b) => typeof b === 'string' && /^[0-9a-f]{64}$/.test(b));
  if (!wellFormed) return { note: `${where} is corrupt; verifying the whole ledger` };
  return { checkpoint: value as P };
}

/** The checkpoint of `ledger`; a note when one exists but cannot be used; null when there is none. */
export async function readCheckpoint<State>(path: string, ledger: string, fold: string): Promise<CheckpointRead<State>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { note: `the checkpoint ${path} cannot be read (${(e as NodeJS.ErrnoException).code}); verifying the whole ledger` };
  }
  const opened = openCheckpoint<Checkpoint<State>>(text, `the checkpoint ${path}`, fold, (value) => (value.ledger === resolve(ledger) ? null : `another ledger (${JSON.stringify(value.ledger)})`));
  // Another build of cutover folds with other code: its state is simply not reused (an upgrade is no news).
  if ('otherBuild' in opened) return null;
  if ('note' in opened) return opened;
  const stamp = opened.checkpoint.stamp as FileStamp | null | undefined;
  if (typeof stamp !== 'object' || stamp === null) return { note: `the checkpoint ${path} is corrupt; verifying the whole ledger` };
  return opened;
}

function contentDigest(content: object): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Write it whole or not at all; a folder we may not write to (a read-only checkout) just goes without. */
export async function writeCheckpoint<State>(path: string, checkpoint: Checkpoint<State>): Promise<void> {
  await keepCheckpointText(path, sealCheckpoint(checkpoint));
}

/** Replace the checkpoint at `path` whole (a draft renamed over it), or leave it as it was: it is only a cache. */
export async function keepCheckpointText(path: string, text: string): Promise<void> {
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(draft, text);
    await rename(draft, path);
  } catch {
    await unlink(draft).catch(() => undefined);
  }
}

/** sha256 of each block of `path` from `fromBlock` up to `offset`. */
async function hashBlocks(path: string, offset: number, fromBlock = 0): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const blocks: string[] = [];
    const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
    for (let start = fromBlock * BLOCK_BYTES; start < offset; start += BLOCK_BYTES) {
      const length = Math.min(BLOCK_BYTES, offset - start);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      if (bytesRead !== length) throw Object.assign(new Error('the file is shorter than the checkpoint'), { code: 'SHORT' });
      blocks.push(createHash('sha256').update(buffer.subarray(0, length)).digest('hex'));
    }
    return blocks;
  } finally {
    await handle.close();
  }
}

/** Do the bytes before the checkpoint's offset still hash as they did? */
export async function prefixMatches(path: string, checkpoint: Checkpoint<unknown>): Promise<boolean> {
  const size = Number((await stampOf(path))?.size ?? -1);
  if (size < checkpoint.offset) return false;
  const blocks = await hashBlocks(path, checkpoint.offset);
  return blocks.every((b, i) => b === checkpoint.blocks[i]);
}

/** Block digests computed as bytes stream past, from the start of the file or resumed mid-file. */
export class BlockHasher {
  private readonly blocks: string[];
  private hash = createHash('sha256');
  private inBlock = 0;

  private constructor(whole: readonly string[]) {
    this.blocks = [...whole];
  }

  static fromStart(): BlockHasher {
    return new BlockHasher([]);
  }

  /** Resume at `offset`, keeping the whole blocks of `known` and re-reading the partial one from the file. */
  static async resume(path: string, known: readonly string[], offset: number): Promise<BlockHasher> {
    const whole = Math.floor(offset / BLOCK_BYTES);
    const hasher = new BlockHasher(known.slice(0, whole));
    const partial = offset - whole * BLOCK_BYTES;
    if (partial > 0) {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.allocUnsafe(partial);
        await handle.read(buffer, 0, partial, whole * BLOCK_BYTES);
        hasher.update(buffer);
      } finally {
        await handle.close();
      }
    }
    return hasher;
  }

  update(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(BLOCK_BYTES - this.inBlock, bytes.length - at);
      this.hash.update(bytes.subarray(at, at + take));
      this.inBlock += take;
      at += take;
      if (this.inBlock === BLOCK_BYTES) {
        this.blocks.push(this.hash.digest('hex'));
        this.hash = createHash('sha256');
        this.inBlock = 0;
      }
    }
  }

  /** The digests so far, the partial last block included (the hasher can go on after). */
  digests(): string[] {
    return this.inBlock === 0 ? [...this.blocks] : [...this.blocks, this.hash.copy().digest('hex')];
  }
}
