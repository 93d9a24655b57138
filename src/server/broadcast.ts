/**
 * One broadcast per followed program: when the program gains lines (an append here, a replica's
 * `NOTIFY`, a change to its file), the new lines are fetched from the store ONCE and handed to
 * every subscriber, however many viewers follow it. A program is followed only while someone
 * subscribes; a poll every `pollMs` catches what a lost notification would have told. A notice
 * that names the seq it announces (this replica's own `NOTIFY`, heard back) and finds it handed out
 * already fetches nothing: one read per append, however the append is heard of.
 */
import { followsBytes, knowsHeads, type LedgerStore } from '../store/ledger-store.js';

export interface StreamedLine {
  readonly seq: number;
  /** Exactly as stored, without its newline. */
  readonly line: string;
}

export interface Subscriber {
  /** New lines of the program, in order, consecutive; the same array is given to every subscriber. */
  deliver(program: string, lines: readonly StreamedLine[]): void;
}

/** Where a broadcast stands in its program: the last seq it handed out, and (a file) the byte after it. */
interface Position {
  readonly seq: number;
  readonly offset: number | null;
}

/** How the new lines after a position are fetched: by byte offset from a file, else by seq. */
interface Feed {
  tail(program: string): Promise<Position>;
  /** The last seq of each program, in one read, where the store can say so (the poll asks it instead of every program). */
  heads?(programs: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** The lines after `at` (none when nothing changed) and the position after them. */
  after(program: string, at: Position): Promise<{ lines: StreamedLine[]; at: Position }>;
}

function seqOf(line: string): number | null {
  try {
    const seq = (JSON.parse(line) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : null;
  } catch {
    return null;
  }
}

function feedOf(store: LedgerStore): Feed {
  const bySeq: Feed = {
    async tail(program) {
      return { seq: (await store.head(program))?.seq ?? 0, offset: null };
    },
    async after(program, at) {
      const { lines } = await store.read(program, at.seq + 1);
      return { lines: lines.map((line, i) => ({ seq: at.seq + 1 + i, line })), at: { seq: at.seq + lines.length, offset: null } };
    },
  };
  if (!followsBytes(store)) return knowsHeads(store) ? { ...bySeq, heads: (programs) => store.headsOf(programs) } : bySeq;
  const tail = async (program: string): Promise<Position> => {
    const end = await store.endOf(program);
    return { seq: end.head?.seq ?? 0, offset: end.end };
  };
  return {
    tail,
    async after(program, at) {
      // "Anything new?" is a size check; only what was appended is read.
      const size = await store.sizeOf(program);
      if (at.offset !== null && size === at.offset) return { lines: [], at };
      const offset = at.offset ?? 0;
      if (size < offset) return { lines: [], at: await tail(program) }; // the file went back (an older copy): start again at its end
      const read = await store.linesFrom(program, offset);
      if (read.lines.length === 0) return { lines: [], at: { seq: at.seq, offset: read.end } };
      const first = seqOf(read.lines[0]!);
      const last = seqOf(read.lines[read.lines.length - 1]!);
      if (first !== at.seq + 1 || last !== at.seq + read.lines.length) {
        // Not the continuation of what was followed (the file was replaced): read by seq, then follow its end.
        const fetched = await bySeq.after(program, at);
        return { lines: fetched.lines, at: await tail(program) };
      }
      return { lines: read.lines.map((line, i) => ({ seq: at.seq + 1 + i, line })), at: { seq: last, offset: read.end } };
    },
  };
}

class ProgramBroadcast {
  readonly subscribers = new Set<Subscriber>();
  private at: Position | null = null;
  private readonly started: Promise<void>;
  private busy = false;
  /** What was asked for while a fetch ran: null nothing, else up to which seq (Infinity: unknown). */
  private asked: number | null = null;

  constructor(
    private readonly program: string,
    private readonly feed: Feed,
    private readonly warn: (message: string, error: unknown) => void,
  ) {
    this.started = feed.tail(program).then((at) => {
      this.at = at;
    });
  }

  /** Resolves once the broadcast knows where its program ends (rejects when the store cannot say). */
  ready(): Promise<void> {
    return this.started;
  }

  /** The last seq handed out: what a new subscriber has already been "told". */
  get seq(): number {
    return this.at?.seq ?? 0;
  }

  /**
   * Fetch what is new, once, for every subscriber; calls while a fetch runs fold into one more, or
   * into none when the fetch brought the seq they announce (`upTo`; unknown: fetch again).
   */
  async refresh(upTo = Infinity): Promise<void> {
    if (this.at !== null && this.at.seq >= upTo) return;
    if (this.busy) {
      this.asked = Math.max(this.asked ?? 0, upTo);
      return;
    }
    this.busy = true;
    try {
      await this.started;
      do {
        this.asked = null;
        const fetched = await this.feed.after(this.program, this.at!);
        this.at = fetched.at;
        if (fetched.lines.length === 0) continue;
        for (const subscriber of [...this.subscribers]) subscriber.deliver(this.program, fetched.lines);
      } while (this.asked !== null && this.asked > this.at!.seq);
      this.asked = null;
    } catch (error) {
      this.warn(`the stream of ${this.program} could not read the store`, error);
    } finally {
      this.busy = false;
    }
  }
}

export interface BroadcastOptions {
  /** How often a followed program is checked although no one said it changed (default 15 s). */
  readonly pollMs?: number;
  readonly warn?: (message: string, error: unknown) => void;
  /** Told of each look in the store for new lines (a metric: one per append, however many viewers). */
  readonly fetched?: () => void;
}

/** Every followed program's broadcast: subscribe to follow, notify when a program gained lines. */
export class Broadcasts {
  private readonly programs = new Map<string, ProgramBroadcast>();
  private readonly feed: Feed;
  private readonly poll: NodeJS.Timeout;
  private readonly warn: (message: string, error: unknown) => void;

  constructor(store: LedgerStore, options: BroadcastOptions = {}) {
    const feed = feedOf(store);
    const fetched = options.fetched;
    this.feed = fetched === undefined ? feed : { ...feed, after: (program, at) => (fetched(), feed.after(program, at)) };
    this.warn = options.warn ?? (() => {});
    // Catches up even when a replica's notification was lost (a crash right after its commit): once per program, not per viewer.
    this.poll = setInterval(() => void this.catchUp(), options.pollMs ?? 15_000);
    this.poll.unref();
  }

  /**
   * Follow `program` from its current end: the subscriber hears of every line after the seq this
   * resolves to. Call `leave` when it stops following.
   */
  async subscribe(program: string, subscriber: Subscriber): Promise<{ seq: number; leave(): void }> {
    let broadcast = this.programs.get(program);
    if (broadcast === undefined) {
      broadcast = new ProgramBroadcast(program, this.feed, this.warn);
      this.programs.set(program, broadcast);
      broadcast.ready().catch(() => {
        if (this.programs.get(program) === broadcast && broadcast!.subscribers.size === 0) this.programs.delete(program);
      });
    }
    const joined = broadcast;
    joined.subscribers.add(subscriber);
    try {
      await joined.ready();
    } catch (error) {
      this.leave(program, joined, subscriber);
      throw error;
    }
    return { seq: joined.seq, leave: () => this.leave(program, joined, subscriber) };
  }

  /** The last seq handed out for `program` (0 when no one follows it). */
  seqOf(program: string): number {
    return this.programs.get(program)?.seq ?? 0;
  }

  /**
   * `program` gained lines (here, on a replica, in its file): fetch them once for its subscribers.
   * `seq`, when the notice names it: the last seq appended (nothing is fetched if it was handed out).
   */
  notify(program: string, seq?: number): void {
    void this.programs.get(program)?.refresh(seq);
  }

  /** Every followed program that gained lines unheard of: one read of every head where the store can, else each program's own check. */
  private async catchUp(): Promise<void> {
    const followed = [...this.programs.entries()];
    if (followed.length === 0) return;
    let heads: ReadonlyMap<string, number> | undefined;
    try {
      heads = await this.feed.heads?.(followed.map(([program]) => program));
    } catch (error) {
      this.warn('the streams could not read the heads of the programs they follow', error);
    }
    for (const [program, broadcast] of followed) void broadcast.refresh(heads?.get(program) ?? (heads === undefined ? Infinity : 0));
  }

  /** How many programs are followed now. */
  get size(): number {
    return this.programs.size;
  }

  close(): void {
    clearInterval(this.poll);
    this.programs.clear();
  }

  private leave(program: string, broadcast: ProgramBroadcast, subscriber: Subscriber): void {
    broadcast.subscribers.delete(subscriber);
    if (broadcast.subscribers.size === 0 && this.programs.get(program) === broadcast) this.programs.delete(program);
  }
}
