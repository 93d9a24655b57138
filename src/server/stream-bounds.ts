/**
 * How many event streams a server holds open: in total and per program. Past a bound a new stream
 * is refused with 503 and `Retry-After` (`TooManyStreamsError`), never queued: an open stream costs
 * a socket and a little memory for as long as the viewer stays.
 */

/** Enough for an organisation's viewers (10,000 streams) on one server. */
export const DEFAULT_MAX_STREAMS = 10_000;
/** Half the total: one program's crowd cannot take every stream from the others. */
export const DEFAULT_MAX_STREAMS_PER_PROGRAM = 5_000;

/** A bound on open streams was reached; try again later (503, Retry-After). */
export class TooManyStreamsError extends Error {
  readonly retryAfterSeconds = 5;
  constructor(
    readonly bound: 'total' | 'program',
    readonly limit: number,
    readonly program: string | null,
  ) {
    super(bound === 'total' ? `this server already holds its ${limit} event streams (--max-streams)` : `program ${program} already has its ${limit} event streams (--max-streams-per-program)`);
    this.name = 'TooManyStreamsError';
  }
}

/** What is told of streams admitted and refused (the server's metrics). */
export interface StreamCounts {
  opened(stream: string): void;
  refused(bound: TooManyStreamsError['bound']): void;
}

export class StreamBounds {
  private total = 0;
  private readonly perProgram = new Map<string, number>();

  constructor(
    private readonly maxTotal = DEFAULT_MAX_STREAMS,
    private readonly maxPerProgram = DEFAULT_MAX_STREAMS_PER_PROGRAM,
    private readonly counts?: StreamCounts,
  ) {}

  /**
   * Count one more stream (of the kind `stream` names) on `programs` (none: counted in the total
   * only), or throw TooManyStreamsError; returns how to release it.
   */
  admit(programs: readonly string[], stream = 'program'): () => void {
    const refuse = (error: TooManyStreamsError) => {
      this.counts?.refused(error.bound);
      return error;
    };
    if (this.total >= this.maxTotal) throw refuse(new TooManyStreamsError('total', this.maxTotal, null));
    const full = programs.find((p) => (this.perProgram.get(p) ?? 0) >= this.maxPerProgram);
    if (full !== undefined) throw refuse(new TooManyStreamsError('program', this.maxPerProgram, full));
    this.counts?.opened(stream);
    this.total++;
    for (const p of programs) this.perProgram.set(p, (this.perProgram.get(p) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      for (const p of programs) {
        const left = (this.perProgram.get(p) ?? 1) - 1;
        if (left === 0) this.perProgram.delete(p);
        else this.perProgram.set(p, left);
      }
    };
  }

  /** Streams open now. */
  get open(): number {
    return this.total;
  }
}
