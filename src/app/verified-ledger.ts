/**
 * A program's ledger file, opened verified, at a cost proportional to what is new since the last
 * command: a checkpoint (`store/checkpoint.ts`) carries the folded state; the lines after it are
 * streamed, verified and folded; the checkpoint then moves forward. `verify` reads everything.
 */
import type { LedgerEvent } from '../domain/events.js';
import { LedgerVerificationError } from '../errors.js';
import { initialState, type ProgramState } from '../domain/state.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { BlockHasher, CHECKPOINT_VERSION, checkpointPath, prefixMatches, readCheckpoint, sameStamp, stampOf, writeCheckpoint, type Checkpoint, type FileStamp } from '../store/checkpoint.js';
import type { AppendWitness, FileLedgerStore } from '../store/file-store.js';
import type { TornLine } from '../store/ledger-store.js';
import { readLineChunks, type TornTail } from '../store/line-chunks.js';
import type { VerifiedHead } from '../ledger/verify.js';

export interface VerifiedLedger extends VerifiedHead {
  readonly source: string;
  /** Where its checkpoint is kept. */
  readonly cachePath: string;
  readonly torn?: TornLine;
  /** Why the checkpoint was not used, when there was one. */
  readonly note?: string;
  /** How the ledger was read: from the checkpoint alone, the checkpoint and the lines after it, or all of it. */
  readonly read: 'checkpoint' | 'since-checkpoint' | 'full';
  /** The file as it was when it was read, and the bytes verified: what a later append may build on. */
  readonly stamp: FileStamp | null;
  readonly offset: number;
  readonly blocks: readonly string[];
}

export interface OpenLedgerOptions {
  readonly threads?: number;
  /** Where checkpoints are kept (default: `defaultCacheDir()`). */
  readonly cacheDir?: string;
  /** Verify every line whatever the checkpoint says (`cutover verify`). */
  readonly full?: boolean;
  /** Called as lines are verified (not for a read the checkpoint serves alone): for a progress display. */
  readonly onProgress?: (progress: LedgerProgress) => void;
}

/** How far a verification of the ledger's lines has come. */
export interface LedgerProgress {
  /** Events verified so far (since the checkpoint, when one was used). */
  readonly events: number;
  /** Bytes read, and to read, since the checkpoint (or the start). */
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

const EMPTY: VerifiedHead = { state: initialState(), last: null };

declare const __CUTOVER_FOLD__: string | undefined;

/**
 * Which fold made a checkpoint's state: the bundle carries the digest of its domain code (set at
 * build time); unbundled code (tests, the library) hashes the domain modules beside it.
 */
let foldId: string | undefined;
export function foldOf(): string {
  if (foldId !== undefined) return foldId;
  if (typeof __CUTOVER_FOLD__ === 'string') return (foldId = __CUTOVER_FOLD__);
  const domain = fileURLToPath(new URL('../domain/', import.meta.url));
  const hash = createHash('sha256');
  for (const name of readdirSync(domain).sort()) hash.update(name).update(readFileSync(join(domain, name)));
  return (foldId = hash.digest('hex').slice(0, 16));
}

/** `$CUTOVER_CACHE`, else `$XDG_CACHE_HOME/cutover`, else `~/.cache/cutover`: never inside the repository. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CUTOVER_CACHE ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'cutover');
}

export async function openVerifiedLedger(path: string, options: OpenLedgerOptions = {}): Promise<VerifiedLedger> {
  const stamp = await stampOf(path);
  if (stamp === null) return { source: path, cachePath: checkpointPath(options.cacheDir ?? defaultCacheDir(), path), ...EMPTY, read: 'full', stamp: null, offset: 0, blocks: [] };
  const cachePath = checkpointPath(options.cacheDir ?? defaultCacheDir(), path);
  const found = await readCheckpoint<ProgramState>(cachePath, path, foldOf());
  let note = found !== null && 'note' in found ? found.note : undefined;
  let start: { head: VerifiedHead; offset: number; hasher: BlockHasher } = { head: EMPTY, offset: 0, hasher: BlockHasher.fromStart() };
  let read: VerifiedLedger['read'] = 'full';
  if (found !== null && 'checkpoint' in found && options.full !== true) {
    const cp = found.checkpoint;
    const head = { state: cp.state, last: cp.last === null ? null : (JSON.parse(cp.last) as LedgerEvent) };
    if (sameStamp(cp.stamp, stamp)) {
      const size = Number(stamp.size);
      const torn = size > cp.offset ? { line: cp.seq + 1, bytes: size - cp.offset, keepBytes: cp.offset } : undefined;
      return { source: path, cachePath, ...head, ...(torn === undefined ? {} : { torn }), read: 'checkpoint', stamp, offset: cp.offset, blocks: cp.blocks };
    }
    if (await prefixMatches(path, cp)) {
      start = { head, offset: cp.offset, hasher: await BlockHasher.resume(path, cp.blocks, cp.offset) };
      read = 'since-checkpoint';
    } else {
      note = `the checkpoint ${cp.offset} bytes into ${path} no longer matches the file (an edit before that point); verifying the whole ledger`;
    }
  }
  let tail: TornTail | undefined;
  const { hasher } = start;
  let end = start.offset;
  async function* hashed() {
    for await (const chunk of readLineChunks(path, start.offset, (t) => (tail = t))) {
      hasher.update(chunk.bytes);
      end += chunk.bytes.length;
      yield chunk;
    }
  }
  // Loaded only now: a read served by the checkpoint alone (above) needs no line checks at all.
  const { verifyChunks } = await import('../ledger/check-pool.js');
  const bytesTotal = Number(stamp.size) - start.offset;
  let events = 0;
  const report = options.onProgress;
  const onEvents = report === undefined ? undefined : (folded: readonly LedgerEvent[]) => report({ events: (events += folded.length), bytesRead: end - start.offset, bytesTotal });
  const verified = await verifyChunks(path, hashed(), start.head, { ...options, bytes: bytesTotal }, onEvents).catch((e: unknown) => {
    // Say why the checkpoint was not used: the edit it caught is what the error names.
    if (e instanceof LedgerVerificationError && note !== undefined) throw new LedgerVerificationError(e.source, e.line, e.seq, e.fault, e.detail, [...e.hints, note]);
    throw e;
  });
  const head = { state: verified.state, last: verified.last };
  const blocks = hasher.digests();
  // `verify` reads everything even when the checkpoint held: it is then kept as it is, not written again.
  const kept = found !== null && 'checkpoint' in found ? found.checkpoint : null;
  const unchanged = kept !== null && sameStamp(kept.stamp, stamp) && kept.offset === end && kept.head === head.state.head;
  if (!unchanged) await saveCheckpoint(cachePath, path, head, end, blocks, stamp);
  const t = tail as TornTail | undefined;
  const torn = t === undefined ? undefined : { line: verified.state.seq + 1, bytes: t.bytes, keepBytes: t.offset };
  return { source: path, cachePath, ...head, ...(torn === undefined ? {} : { torn }), ...(note === undefined ? {} : { note }), read, stamp, offset: end, blocks };
}

async function saveCheckpoint(cachePath: string, ledger: string, head: VerifiedHead, offset: number, blocks: readonly string[], stamp: FileStamp): Promise<void> {
  if (head.state.seq === 0) return;
  const checkpoint: Checkpoint<ProgramState> = {
    version: CHECKPOINT_VERSION,
    fold: foldOf(),
    ledger: resolve(ledger),
    offset,
    seq: head.state.seq,
    head: head.state.head,
    blocks,
    stamp,
    state: head.state,
    last: head.last === null ? null : JSON.stringify(head.last),
  };
  await writeCheckpoint(cachePath, checkpoint);
}

/**
 * Append verified events and move the checkpoint forward with them, under the store's lock, when
 * the file is still exactly as it was read (same stamp): then the bytes before the append are the
 * ones verified, and only the new ones need hashing.
 */
export async function appendVerified(store: FileLedgerStore, program: string, ledger: VerifiedLedger, after: VerifiedHead, events: readonly LedgerEvent[]): Promise<VerifiedLedger> {
  const path = ledger.source;
  // Unless the file was exactly as read, what follows the append is not known to be verified.
  let next: VerifiedLedger = { ...ledger, ...after, stamp: null, offset: 0, blocks: [], read: 'full' };
  await store.append(program, ledger.state.head, events, async (appended: AppendWitness) => {
    if (ledger.stamp === null || appended.stampBefore === null || !sameStamp(ledger.stamp, appended.stampBefore) || appended.offsetBefore !== ledger.offset) return;
    const hasher = await BlockHasher.resume(path, ledger.blocks, ledger.offset);
    const size = Number(appended.stampAfter.size);
    for await (const chunk of readLineChunks(path, ledger.offset)) hasher.update(chunk.bytes);
    const blocks = hasher.digests();
    await saveCheckpoint(ledger.cachePath, path, after, size, blocks, appended.stampAfter);
    next = { ...ledger, ...after, stamp: appended.stampAfter, offset: size, blocks };
  });
  return next;
}
