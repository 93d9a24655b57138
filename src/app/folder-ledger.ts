/**
 * A program folder's ledger file as the verified program reads and writes it (`LedgerAccess`), at a
 * cost proportional to what is new since the last command: a checkpoint in the cache folder
 * (`store/checkpoint.ts`) carries the folded state, trusted while the file's stamp is the one it
 * recorded; the lines after it are streamed, verified and folded; the checkpoint then moves
 * forward, also with each append (measured under the store's lock). `verify` reads everything.
 */
import type { LedgerEvent } from '../domain/events.js';
import { LedgerVerificationError } from '../errors.js';
import { initialState, type ProgramState } from '../domain/state.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { serialize } from '../ledger/line.js';
import { BlockHasher, CHECKPOINT_VERSION, checkpointPath, prefixMatches, readCheckpoint, sameStamp, stampOf, writeCheckpoint, type Checkpoint, type FileStamp } from '../store/checkpoint.js';
import type { FileLedgerStore } from '../store/file-store.js';
import { linesOf, readLineChunks, type TornTail } from '../store/line-chunks.js';
import type { VerifiedHead } from '../ledger/verify.js';
import type { LedgerAccess, Opened, OpenOptions } from './verified-program.js';

export interface VerifiedLedger extends Opened {
  /** Where its checkpoint is kept. */
  readonly cachePath: string;
  /** The file as it was when it was read, and the bytes verified: what a later append may build on. */
  readonly stamp: FileStamp | null;
  readonly offset: number;
  readonly blocks: readonly string[];
}

export interface OpenLedgerOptions extends OpenOptions {
  /** Where checkpoints are kept (default: `defaultCacheDir()`). */
  readonly cacheDir?: string;
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

/**
 * Start loading the line checks and the policy now, for a command that checks every line whatever
 * the checkpoint says (`verify`): they load while it reads its files, instead of after.
 */
export function preloadLineChecks(): Promise<unknown> {
  return import('../ledger/check-pool.js');
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

/** One program folder's ledger file, behind the verified program. */
export class FolderLedger implements LedgerAccess<VerifiedLedger> {
  readonly source: string;

  constructor(
    private readonly store: FileLedgerStore,
    /** Where checkpoints are kept, and who hears how verification goes. */
    private readonly folder: Pick<OpenLedgerOptions, 'cacheDir' | 'onProgress'> = {},
  ) {
    this.source = store.pathOf(FOLDER_PROGRAM);
  }

  open(options: OpenOptions): Promise<VerifiedLedger> {
    return openVerifiedLedger(this.source, { ...options, ...this.folder });
  }

  /** Opened again: the checkpoint moved with every append, so only what others added is verified. */
  catchUp(): Promise<VerifiedLedger> {
    return this.open({});
  }

  /**
   * Append and move the checkpoint forward with it when the file was exactly as it was read (same
   * stamp, under the lock): then the bytes before the append are the ones verified, and the new
   * ones are the lines just written.
   */
  async append(at: VerifiedLedger, after: VerifiedHead, events: readonly LedgerEvent[]): Promise<VerifiedLedger> {
    const appended = await this.store.appendMeasured(FOLDER_PROGRAM, at.state.head, events);
    if (events.length === 0) return at;
    // The store refuses to append after a torn line: whatever was torn on opening is complete now.
    const { torn: _torn, note: _note, ...rest } = at;
    const unknown: VerifiedLedger = { ...rest, ...after, stamp: null, offset: 0, blocks: [], read: 'full' };
    const { stampBefore, stampAfter, offsetBefore } = appended;
    if (at.stamp === null || stampBefore === null || stampAfter === null || !sameStamp(at.stamp, stampBefore) || offsetBefore !== at.offset) return unknown;
    const hasher = await BlockHasher.resume(this.source, at.blocks, at.offset);
    hasher.update(Buffer.from(events.map((e) => serialize(e) + '\n').join(''), 'utf8'));
    const size = Number(stampAfter.size);
    const blocks = hasher.digests();
    await saveCheckpoint(at.cachePath, this.source, after, size, blocks, stampAfter);
    return { ...rest, ...after, stamp: stampAfter, offset: size, blocks };
  }

  /**
   * The lines up to `at`, a chunk at a time (memory stays flat at any length): verified on opening,
   * and the stamp says the file is unchanged since; otherwise verified again.
   */
  async *lines(at: VerifiedLedger): AsyncGenerator<readonly string[]> {
    const now = at.stamp === null ? null : await stampOf(this.source);
    if (now === null || !sameStamp(now, at.stamp!)) {
      // Loaded here, not at start: a ledger unchanged since its checkpoint needs no line checks.
      const { verifyChunks } = await import('../ledger/check-pool.js');
      const batches: (readonly string[])[] = [];
      await verifyChunks(this.source, readLineChunks(this.source, 0), EMPTY, {}, (e) => batches.push(e.filter((x) => x.seq <= at.state.seq).map(serialize)));
      yield* batches;
      return;
    }
    let seq = 0;
    for await (const chunk of readLineChunks(this.source, 0)) {
      const lines = linesOf(chunk.bytes).slice(0, Math.max(0, at.state.seq - seq));
      seq += lines.length;
      if (lines.length > 0) yield lines;
      if (seq >= at.state.seq) return;
    }
  }

  stillTorn(): Promise<boolean> {
    return this.store.endsTorn(FOLDER_PROGRAM);
  }
}

/** A program folder holds one program: its store does not need the id to find the ledger. */
const FOLDER_PROGRAM = '.';
