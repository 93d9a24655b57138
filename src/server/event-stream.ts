/**
 * One viewer's server-sent-events stream of a program's lines. A viewer behind the program's end
 * (`from`, `Last-Event-ID`) is caught up from the store a page at a time, written only as its
 * socket drains; one at the end is handed each line once by the program's broadcast. A viewer that
 * stops reading is given a bounded buffer and then closed (it resumes with `Last-Event-ID`), so
 * viewers that never read cannot grow the server's memory.
 */
import type { ServerResponse } from 'node:http';
import { followsBytes, keepsCheckpoints, type LedgerStore } from '../store/ledger-store.js';
import type { Broadcasts, StreamedLine, Subscriber } from './broadcast.js';

/** Lines per page of a catch-up read by seq (PostgreSQL); a file is read this many bytes at a time. */
const PAGE_LINES = 50;
const PAGE_BYTES = 16 * 1024;

export interface StreamLimits {
  /** Bytes a viewer may leave unread (beyond what the kernel holds) before it is closed. */
  readonly maxUnreadBytes: number;
  /** Told when a viewer is closed for being `maxUnreadBytes` behind (a metric). */
  readonly dropped?: () => void;
  /** How often a keep-alive comment is written (a viewer that is not reading gets none). */
  readonly keepAliveMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxUnreadBytes: 256 * 1024, keepAliveMs: 15_000 };

/** Pages of `program`'s lines `from`..`to`: never the whole ledger at once where the store can page. */
async function* pagesOf(store: LedgerStore, program: string, from: number, to: number): AsyncIterable<readonly string[]> {
  if (followsBytes(store)) {
    let seq = from;
    for await (const page of store.linesAfter(program, from, PAGE_BYTES)) {
      yield page.slice(0, to - seq + 1);
      seq += page.length;
      if (seq > to) return;
    }
    return;
  }
  if (!keepsCheckpoints(store)) {
    yield (await store.read(program, from)).lines.slice(0, to - from + 1);
    return;
  }
  for (let at = from; at <= to; at += PAGE_LINES) {
    for await (const batch of store.lineBatches(program, at, Math.min(to, at + PAGE_LINES - 1))) yield batch;
  }
}

/** At most `limit` tasks at a time; the others wait their turn, in order. */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so no newcomer slips in between.
      const next = this.waiting.shift();
      if (next === undefined) this.running--;
      else next();
    }
  }
}

/** Replay pages read from the store at once, across every stream of this process. */
const replayReads = new Slots(4);

/** Resolves when `raw` drained or closed. */
function drained(raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}

export class EventStream implements Subscriber {
  private next: number;
  private live = false;
  private catchingUp = false;
  private closed = false;
  private leave: () => void = () => {};
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly raw: ServerResponse,
    private readonly program: string,
    private readonly store: LedgerStore,
    private readonly broadcasts: Broadcasts,
    private readonly limits: StreamLimits,
    /** The first seq to send; null: from the program's end (only lines that land from now on). */
    from: number | null,
    private readonly onWarn: (message: string, error: unknown) => void,
  ) {
    this.next = from ?? 0;
    this.keepAlive = setInterval(() => {
      if (!raw.writableNeedDrain) raw.write(': keep-alive\n\n');
    }, limits.keepAliveMs);
    raw.on('close', () => this.close());
  }

  /** Join the program's broadcast and catch up to it. */
  async start(fromTail: boolean): Promise<void> {
    const joined = await this.broadcasts.subscribe(this.program, this);
    this.leave = joined.leave;
    if (this.closed) return this.leave();
    if (fromTail) this.next = joined.seq + 1;
    // The first bytes (and the headers) go out once the stream is following: a line posted after a client saw them reaches it.
    this.raw.write(': cutover event stream\n\n');
    await this.catchUp();
  }

  deliver(_program: string, lines: readonly StreamedLine[]): void {
    if (this.closed || !this.live) return; // catching up: the store is read to the broadcast's end anyway
    if (lines[0]!.seq > this.next) return void this.catchUp(); // a gap (never expected): read it from the store
    if (this.raw.writableLength > this.limits.maxUnreadBytes) return this.drop();
    for (const { seq, line } of lines) {
      if (seq < this.next) continue;
      this.raw.write(`id: ${seq}\nevent: line\ndata: ${line}\n\n`);
      this.next = seq + 1;
    }
  }

  /** Read from the store, a page at a time and as the socket drains, until the broadcast's end; then go live. */
  private async catchUp(): Promise<void> {
    if (this.catchingUp) return;
    this.catchingUp = true;
    this.live = false;
    try {
      for (;;) {
        const end = this.broadcasts.seqOf(this.program);
        if (this.closed || this.next > end) break;
        const before = this.next;
        const pages = pagesOf(this.store, this.program, this.next, end)[Symbol.asyncIterator]();
        try {
          for (;;) {
            // A page is read only once the last one drained, and only a few replays read at once: replays never take every database connection.
            const page = await replayReads.run(() => pages.next());
            if (page.done === true || this.closed) break;
            const text = page.value.map((line, i) => `id: ${this.next + i}\nevent: line\ndata: ${line}\n\n`).join('');
            this.next += page.value.length;
            if (!this.raw.write(text)) await drained(this.raw);
          }
        } finally {
          await pages.return?.();
        }
        if (this.closed) return;
        if (this.next === before) break; // the store holds less than was announced: follow from here
      }
      this.live = !this.closed;
    } catch (error) {
      this.onWarn(`the stream of ${this.program} could not read the store`, error);
      this.close();
    } finally {
      this.catchingUp = false;
    }
  }

  /** A viewer that stopped reading: close it rather than buffer for it. */
  private drop(): void {
    this.limits.dropped?.();
    this.raw.destroy();
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    this.leave();
    if (!this.raw.writableEnded) this.raw.end();
  }
}
