/**
 * A program in a store that hands out lines by seq (PostgreSQL, a server over HTTP, `serve --data`'s
 * folder) as the verified program reads and writes it (`LedgerAccess`). With a checkpoint shelf,
 * it resumes at the program's kept checkpoint and keeps a new one every so many events.
 *
 * The checkpoint: the same sealed checkpoint as the CLI's
 * (`store/checkpoint.ts`: format version, fold identity, offset, seq, head, the 1 MiB block digests
 * of the ledger's bytes before it, the folded state), kept by the store beside the program's lines.
 *
 * Why a restart may trust it, and why only after re-hashing the lines it covers:
 * the events table refuses UPDATE, DELETE and TRUNCATE (a trigger, migration 2), but that only stops
 * honest mistakes. Its owner or a superuser can disable the trigger or set session_replication_role,
 * edit a row and put everything back, and nothing in the catalog remembers. So a checkpoint is used
 * only when the stored lines from seq 1 to its seq, streamed back in batches, hash to its block
 * digests again, end in its last line, and fill exactly its offset. That costs one read of the bytes
 * and a sha256 over them (no JSON parse, no hash chain, no signature, no fold), and it is what a
 * careful operator can check by hand: the digests are those of the program's JSONL file copy
 * (`cutover pull`), byte for byte. Anything that does not match (an edited, removed or reordered
 * row, another format version, another build's fold, a damaged checkpoint) is set aside with a
 * note, and the program is verified in full, which names the bad line.
 *
 * What it cannot do: whoever can rewrite the events table can rewrite this table too, checkpoint
 * and digests included. That holds for the lines themselves: the ledger's own hashes and signatures,
 * checked by `cutover verify --against URL` on a client, are what a server that must not be trusted
 * is held to, and that check never uses a checkpoint.
 */
import type { LedgerEvent } from '../domain/events.js';
import type { ProgramState } from '../domain/state.js';
import { StaleHeadError } from '../errors.js';
import { serialize } from '../ledger/line.js';
import { tornLineError } from '../ledger/torn-line.js';
import { verifyContinuation, type VerifiedHead } from '../ledger/verify.js';
import { BlockHasher, CHECKPOINT_VERSION, openCheckpoint, sealCheckpoint, type VerifiedPrefix } from '../store/checkpoint.js';
import type { CheckpointShelf, LedgerRead, LedgerStore, SummaryRecord } from '../store/ledger-store.js';
import { foldOf } from './folder-ledger.js';
import { keepSummaryOf, type SummaryKeeping } from './program-summary.js';
import { EMPTY_HEAD, type LedgerAccess, type Opened, type OpenOptions } from './verified-program.js';

type VerifiedProgram = VerifiedHead;

/** The digest of a program's lines so far, as its file copy would hold them (each line and its newline). */
export class LedgerDigest {
  private readonly hasher = BlockHasher.fromStart();
  private bytes = 0;
  private last: string | null = null;

  /** Take the next stored lines, in order. */
  add(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    this.hasher.update(bytes);
    this.bytes += bytes.length;
    this.last = lines[lines.length - 1]!;
  }

  get offset(): number {
    return this.bytes;
  }

  get lastLine(): string | null {
    return this.last;
  }

  blocks(): string[] {
    return this.hasher.digests();
  }
}

/** The checkpoint to keep for `program` verified up to its digest's last line. */
export function checkpointOf(program: VerifiedProgram, digest: LedgerDigest, fold: string): string {
  const checkpoint: VerifiedPrefix<ProgramState> = {
    version: CHECKPOINT_VERSION,
    fold,
    offset: digest.offset,
    seq: program.state.seq,
    head: program.state.head,
    blocks: digest.blocks(),
    state: program.state,
    last: digest.lastLine,
  };
  return sealCheckpoint(checkpoint);
}

export interface Resumed {
  /** The program as the checkpoint holds it. */
  readonly program: VerifiedProgram;
  /** The digest of the stored lines it covers, ready to take the lines after them. */
  readonly digest: LedgerDigest;
}

/**
 * The program at its kept checkpoint, once the stored lines before it are proved to be the ones it
 * verified; a note saying why not when it cannot be used; null when none is kept.
 */
export async function resumeAtCheckpoint(shelf: CheckpointShelf, program: string, fold: string): Promise<{ readonly resumed: Resumed } | { readonly note: string } | null> {
  const text = await shelf.checkpointOf(program);
  if (text === null) return null;
  const where = `the checkpoint of program ${program}`;
  const opened = openCheckpoint<VerifiedPrefix<ProgramState>>(text, where, fold);
  if ('note' in opened) return { note: opened.note };
  const cp = opened.checkpoint;
  if (cp.seq < 1 || cp.state.seq !== cp.seq || cp.state.head !== cp.head || cp.last === null) return { note: `${where} is corrupt (its state is not at its seq and head); verifying the whole ledger` };
  const digest = new LedgerDigest();
  let lines = 0;
  for await (const batch of shelf.lineBatches(program, 1, cp.seq)) {
    digest.add(batch);
    lines += batch.length;
  }
  const blocks = digest.blocks();
  const same = lines === cp.seq && digest.offset === cp.offset && digest.lastLine === cp.last && blocks.length === cp.blocks.length && blocks.every((b, i) => b === cp.blocks[i]);
  if (!same) {
    return { note: `${where} at seq ${cp.seq} no longer matches the stored lines before it (a row was edited, removed or replaced); verifying the whole ledger` };
  }
  return { resumed: { program: { state: cp.state, last: JSON.parse(cp.last) as LedgerEvent }, digest } };
}

/** What a stored program's loads and checkpoints come to, for a server's metrics and log. */
export interface StoredLedgerObserver {
  loaded?(from: 'checkpoint' | 'start', resumedEvents: number): void;
  verified?(events: number): void;
  setAside?(note: string): void;
  resumed?(seq: number): void;
  checkpointKept?(seq: number): void;
  checkpointFailed?(seq: number, error: Error): void;
  summaryFailed?(seq: number, error: Error): void;
}

export interface StoredLedgerOptions {
  /** Keep the whole history in memory once read (a client that fetched it anyway). */
  readonly keepEvents?: boolean;
  /** Resume at, and keep, checkpoints on this shelf: a new one when the head is `every` events past the kept one. */
  readonly checkpoints?: { readonly shelf: CheckpointShelf; readonly every: number; readonly fold?: string };
  /** Keep the program's summary beside its lines whenever it moves (an append, a catch-up). */
  readonly summaries?: SummaryKeeping;
  readonly observer?: StoredLedgerObserver;
}

export interface StoredPosition extends Opened {
  /** The digest of the stored lines up to here (when checkpoints are kept). */
  readonly digest?: LedgerDigest;
  /** The seq of the checkpoint kept (as far as this process knows). */
  readonly kept: number;
  /** The kept checkpoint was found unusable: replaced as soon as one can be kept. */
  readonly setAside: boolean;
  /** The history, when kept. */
  readonly history?: readonly LedgerEvent[];
}

export class StoredLedger implements LedgerAccess<StoredPosition> {
  readonly source: string;

  constructor(
    private readonly store: LedgerStore,
    readonly program: string,
    private readonly options: StoredLedgerOptions = {},
    source = program,
  ) {
    this.source = source;
  }

  async open(options: OpenOptions): Promise<StoredPosition> {
    const { checkpoints, observer } = this.options;
    const start: StoredPosition = { source: this.source, ...EMPTY_HEAD, read: 'full', kept: 0, setAside: false, ...(checkpoints === undefined ? {} : { digest: new LedgerDigest() }), ...(this.options.keepEvents ? { history: [] } : {}) };
    if (checkpoints === undefined || options.full === true) return this.catchUp(start, options.threads);
    const found = await resumeAtCheckpoint(checkpoints.shelf, this.program, this.fold());
    if (found !== null && 'resumed' in found) {
      const { program: at, digest } = found.resumed;
      observer?.loaded?.('checkpoint', at.state.seq);
      observer?.resumed?.(at.state.seq);
      return this.catchUp({ ...start, ...at, digest, kept: at.state.seq, read: 'checkpoint' });
    }
    if (found !== null) observer?.setAside?.(found.note);
    observer?.loaded?.('start', 0);
    return this.catchUp({ ...start, setAside: found !== null, ...(found === null ? {} : { note: found.note }) }, options.threads);
  }

  async catchUp(at: StoredPosition, threads?: number): Promise<StoredPosition> {
    const read = await this.store.read(this.program, at.state.seq + 1);
    if (read.torn !== undefined) throw tornLineError(read.source, read.torn, 'only the events before it are served');
    if (read.lines.length === 0) return at;
    const verified = await this.verify(at, read, threads);
    this.options.observer?.verified?.(read.lines.length);
    return this.moved(at, verified.head, read.lines, verified.events, at.read === 'checkpoint' ? 'since-checkpoint' : at.read);
  }

  async append(at: StoredPosition, after: VerifiedHead, events: readonly LedgerEvent[]): Promise<StoredPosition> {
    await this.store.append(this.program, at.state.head, events);
    if (events.length === 0) return at;
    return this.moved(at, after, events.map(serialize), events, at.read);
  }

  /** The history as kept; else read again, and verified again (the store may have changed since). */
  async *lines(at: StoredPosition): AsyncGenerator<readonly string[]> {
    if (at.history !== undefined) {
      yield at.history.map(serialize);
      return;
    }
    const read = await this.store.read(this.program, 1);
    const lines = read.lines.slice(0, at.state.seq);
    const { head } = await this.verify(EMPTY_HEAD, { ...read, lines });
    if (head.state.head !== at.state.head) throw new StaleHeadError(at.state.head, head.state.head);
    yield lines;
  }

  async stillTorn(at: StoredPosition): Promise<boolean> {
    return at.torn !== undefined;
  }

  /** Keep a checkpoint at `at` now when it is past the kept one (a graceful stop); false when that failed. */
  async keepCheckpoint(at: StoredPosition): Promise<{ position: StoredPosition; ok: boolean }> {
    return this.keepIfDue(at, 1);
  }

  /** A whole ledger read from the start is checked on every core; what follows a verified state, here. */
  private async verify(at: VerifiedHead, read: LedgerRead, threads?: number): Promise<{ head: VerifiedHead; events: readonly LedgerEvent[] }> {
    if (at.state.seq === 0) {
      const { verifyLedgerText } = await import('../ledger/check-pool.js');
      const { events, state } = await verifyLedgerText({ source: read.source, lines: read.lines }, threads === undefined ? {} : { threads });
      return { head: { state, last: events.at(-1) ?? null }, events };
    }
    const { events, state } = verifyContinuation(at, { source: read.source, lines: read.lines });
    return { head: { state, last: events.at(-1) ?? at.last }, events };
  }

  private async moved(at: StoredPosition, head: VerifiedHead, lines: readonly string[], events: readonly LedgerEvent[], read: Opened['read']): Promise<StoredPosition> {
    // Only lines that verified are digested: the digest never runs ahead of the state.
    at.digest?.add(lines);
    const { torn: _torn, ...rest } = at;
    const next: StoredPosition = { ...rest, ...head, read, ...(at.history === undefined ? {} : { history: [...at.history, ...events] as LedgerEvent[] }) };
    const kept = (await this.keepIfDue(next)).position;
    await this.keepSummary(kept);
    return kept;
  }

  /**
   * Keep the summary of `at` now. A failure costs a list a stale row until the program is read or
   * appended to again, nothing else: it is reported, not thrown (the lines are stored already).
   */
  async keepSummary(at: VerifiedHead): Promise<SummaryRecord | null> {
    const keeping = this.options.summaries;
    if (keeping === undefined) return null;
    return keepSummaryOf(keeping, at.state).catch((error: Error) => {
      this.options.observer?.summaryFailed?.(at.state.seq, error);
      return null;
    });
  }

  /**
   * Keep a checkpoint when the head is `every` or more events past the kept one. A failure to keep
   * one costs a restart time, nothing else: it is reported, not thrown.
   */
  private async keepIfDue(at: StoredPosition, every = this.options.checkpoints?.every ?? Infinity): Promise<{ position: StoredPosition; ok: boolean }> {
    const shelf = this.options.checkpoints?.shelf;
    if (shelf === undefined || at.digest === undefined || at.state.seq === 0) return { position: at, ok: true };
    if (!at.setAside && at.state.seq - at.kept < every) return { position: at, ok: true };
    try {
      await shelf.keepCheckpoint(this.program, at.state.seq, checkpointOf(at, at.digest, this.fold()), at.setAside);
      this.options.observer?.checkpointKept?.(at.state.seq);
      return { position: { ...at, kept: at.state.seq, setAside: false }, ok: true };
    } catch (error) {
      this.options.observer?.checkpointFailed?.(at.state.seq, error as Error);
      return { position: at, ok: false };
    }
  }

  private fold(): string {
    return this.options.checkpoints?.fold ?? foldOf();
  }
}
