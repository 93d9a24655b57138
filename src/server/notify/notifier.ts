/**
 * Sends what happens, and what falls due, to the sinks, at least once. What to send is derived from
 * the ledger (`domain/notifications.ts`) each time, never queued: a cursor per sink and program
 * (`delivery-state.ts`) says how far it was delivered, so a crash resends from the cursor and nothing
 * is lost. A failed delivery is tried again with exponential back-off and jitter, up to a limit, then
 * kept as a dead letter and skipped, so the sink's later news still flows. Each sink has its own bound
 * on deliveries in flight and each delivery its own timeout: a slow receiver delays only itself.
 *
 * Each program is read through the one verified program (`app/verified-program.ts`) over the store.
 */
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { StoredLedger, type StoredPosition } from '../../app/stored-ledger.js';
import { VerifiedProgram } from '../../app/verified-program.js';
import { evaluate, type Evaluation } from '../../domain/evaluate.js';
import type { LedgerEvent } from '../../domain/events.js';
import { lineNotifications, nextNotificationAt, timeNotifications, type Notification } from '../../domain/notifications.js';
import { evolve, initialState, type ProgramState } from '../../domain/state.js';
import { knowsHeads, type LedgerStore, type SummaryShelf } from '../../store/ledger-store.js';
import type { ProgramSummary } from '../../domain/summary.js';
import { URGENCY_ORDER } from '../../domain/urgency.js';
import { estimatedBytes } from '../program-cache.js';
import { bodyOf, type Body } from './bodies.js';
import { NEVER, type Cursor, type DeadLetter, type DeliveryState } from './delivery-state.js';
import { signedHeaders, type DeliveryKey } from './signing.js';
import { sinksOf, type Sink } from './sinks.js';

export interface NotifierOptions {
  readonly store: LedgerStore;
  readonly sinks: readonly Sink[];
  readonly state: DeliveryState;
  readonly key: DeliveryKey;
  readonly now: () => Date;
  /** Emits `appended` with a program's id when it gained events (here or on another replica). */
  readonly appended: EventEmitter;
  /** Where people reach the dashboard (links in messages). */
  readonly publicUrl?: string;
  /** Attempts per notification before it is a dead letter (default 8). */
  readonly attempts?: number;
  /** The first pause after a failure, ms; it doubles each attempt, with jitter, up to `maxBackoffMs` (default 1 s). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long one delivery may take, ms (default 10 s). */
  readonly timeoutMs?: number;
  /** Deliveries in flight per sink (default 4). */
  readonly perSink?: number;
  /** Claims in flight in all, each holding a database connection (default 8). */
  readonly claims?: number;
  /** How often time is looked at, ms (default 1 s). */
  readonly tickMs?: number;
  /**
   * The programs' summaries (`domain/summary.ts`): with them, a starting notifier looks only at the
   * programs that may have something to send (lines past a cursor, a next change come), not at all.
   */
  readonly summaries?: SummaryShelf;
  /** The programs' events held at most, estimated bytes (default 64 MiB; `serve` gives an eighth of `--memory-budget`). */
  readonly feedBudgetBytes?: number;
  readonly observer?: NotifierObserver;
  readonly log?: { warn(message: string): void; info?(message: string): void };
}

export interface NotifierObserver {
  delivered?(sink: string, type: string, committedAt: string | null): void;
  failed?(sink: string): void;
  dead?(sink: string): void;
}

/** A program as the notifier follows it: its verified events, and the notifications of each line once computed. */
interface Feed {
  readonly program: VerifiedProgram<StoredPosition>;
  events: LedgerEvent[];
  /** The notifications of line seq (index seq - 1), computed on demand. */
  readonly notes: (Notification[] | undefined)[];
  /** The state folded up to `foldedSeq` (to compute the notes of the next lines). */
  folded: { seq: number; state: ProgramState };
  dirty: boolean;
  /** The evaluation at the last look at the clock, and when time could next tell something. */
  timeAt: { evaluation: Evaluation; next: number | null } | null;
}

/** The most a claim sends before letting another (sink, program) have its turn. */
const PER_CLAIM = 200;

/**
 * The programs' events the notifier holds at most by default, estimated: past it, those looked at
 * least recently and not delivering leave memory (read again when next due).
 */
const FEED_BUDGET_BYTES = 64 * 1024 * 1024;

/** The estimate of a feed's memory: the program's state and its events kept beside it. */
const feedBytes = (feed: Feed) => estimatedBytes(feed.events.length) + feed.events.length * 1024;

export class Notifier {
  /** The programs held, least recently looked at first. */
  private readonly feeds = new Map<string, Promise<Feed>>();
  private readonly heldBytes = new Map<string, number>();
  private held = 0;
  /**
   * When each program needs its next look whatever happens to it (a time crossing, a retry, a claim
   * another replica held): the tick looks at those due, never at every program.
   */
  private readonly lookAt = new Map<string, number>();
  private discovering: Promise<void> | undefined;
  /** Every program looked at since the start (a later discovery looks only at programs new to it). */
  private readonly known = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** The deliveries running, per sink and program, and those asked for again while one ran. */
  private readonly delivering = new Map<string, Promise<void>>();
  private readonly deliverAgain = new Set<string>();
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly hints = new Map<string, Cursor>();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private resync: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Aborts the deliveries in flight when the server stops: a graceful stop does not wait for a slow receiver. */
  private readonly stopping = new AbortController();
  private readonly onAppended = (program: string) => {
    void this.feedOf(program).then((f) => {
      f.dirty = true;
      // Time is looked at again too: the cursor then says time was told up to after this append's
      // summary was kept (the append's own notice comes after it), which a starting notifier relies on.
      f.timeAt = null;
      this.kick(program);
    }, () => undefined);
  };

  constructor(private readonly o: NotifierOptions) {}

  /**
   * Start: news is followed at once; every program is looked at once, in the background, one at a
   * time (a server of 100,000 programs starts listening without waiting for them), and from then on
   * only when it gains lines or its next look comes.
   */
  async start(): Promise<void> {
    for (const sink of this.o.sinks) await this.o.state.sinceOf(sink.name, this.o.now().getTime());
    this.o.appended.on('appended', this.onAppended);
    this.discover();
    this.timer = setInterval(() => this.tick(), this.o.tickMs ?? 1000);
    // Programs created on another replica while this one's listener was down are found again.
    this.resync = setInterval(() => this.discover(), 30_000);
  }

  /** How many programs' events are held now (a metric: bounded by `feedBudgetBytes`, whatever the number of programs). */
  get heldPrograms(): number {
    return this.feeds.size;
  }

  /** Resolves once the first look at every program has been taken (for tests and benchmarks). */
  async settled(): Promise<void> {
    await this.discovering;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    clearInterval(this.timer);
    clearInterval(this.resync);
    this.o.appended.off('appended', this.onAppended);
    await this.discovering;
    await Promise.allSettled([...this.running.values()]);
    await Promise.allSettled([...this.delivering.values()]);
  }

  /** Look once at every program not looked at yet, one after another (one discovery at a time). */
  private discover(): void {
    this.discovering ??= (async () => {
      try {
        const began = performance.now();
        const first = this.known.size === 0;
        const settled = first ? await this.settledPrograms() : new Map<string, number | null>();
        let looked = 0;
        for (const program of await this.o.store.listPrograms()) {
          if (this.stopped) return;
          if (this.known.has(program) || this.running.has(program)) continue; // looked at already, or news got there first
          const next = settled.get(program);
          if (next !== undefined) {
            // Nothing to send now: its next look is when its summary says time next changes it.
            this.known.add(program);
            if (next !== null) this.lookBy(program, next);
            continue;
          }
          const started = performance.now();
          looked++;
          this.kick(program);
          await this.running.get(program);
          // Its deliveries too: the discovery holds one program's events at a time, not a queue of them all.
          await Promise.allSettled([...this.delivering].filter(([key]) => key.endsWith(`\n${program}`)).map(([, run]) => run));
          // At most half of this thread: requests are answered while 100,000 programs are looked at.
          await new Promise((resolve) => setTimeout(resolve, Math.min(50, performance.now() - started)));
        }
        if (first) this.o.log?.info?.(`notifications: the first look at every program took ${((performance.now() - began) / 1000).toFixed(1)} s: ${looked} looked at, ${settled.size} with nothing to send by their summaries and cursors`);
      } catch (error) {
        this.o.log?.warn(`notifications: the programs could not be listed (${(error as Error).message}); tried again later`);
      }
    })().finally(() => (this.discovering = undefined));
  }

  /**
   * The programs with nothing to send now, by their stored summaries, their heads in the store and
   * every sink's cursor, and when each next needs a look (null: only when it gains lines). A program
   * is settled when every sink's cursor is at its last line (read from the store, not the summary,
   * which a stop may have left behind) with nothing pending, and time has nothing to tell yet: by the
   * cursors' own next time where every delivery kept one (overdue reminders included), else by the
   * summary's next change, the cursors moved on after the summary was made (and, with overdue
   * reminders on, the program not overdue).
   * Without summaries or a store that reads heads in one go, every program is looked at.
   */
  private async settledPrograms(): Promise<Map<string, number | null>> {
    const settled = new Map<string, number | null>();
    const shelf = this.o.summaries;
    const store = this.o.store;
    if (shelf === undefined || !knowsHeads(store)) return settled;
    const now = this.o.now();
    const heads = await store.headsOf(await store.listPrograms());
    const cursors = await Promise.all(this.o.sinks.map((sink) => this.o.state.cursorsOf(sink.name)));
    const reminds = this.o.sinks.some((sink) => sink.repeatOverdueMs > 0);
    let after: { rank: number; program: string } | undefined;
    for (;;) {
      const page = await shelf.summaries({ at: now, limit: 1000, ...(after === undefined ? {} : { after }) });
      for (const row of page.rows) {
        after = { rank: row.rank, program: row.program };
        const mine = cursors.map((c) => c.get(row.program));
        // When time next tells something: the cursors say so (overdue reminders included) once a
        // delivery kept it; else the summary's next change, which knows no reminders.
        const told = mine.every((c) => c?.timeNext !== undefined) ? Math.min(...mine.map((c) => c!.timeNext!)) : undefined;
        if (told === undefined && reminds && URGENCY_ORDER[row.rank] === 'overdue') continue;
        const summary = JSON.parse(row.body) as ProgramSummary;
        const changes = summary.nextChangeAt === null ? NEVER : Date.parse(summary.nextChangeAt);
        const soonest = Math.min(changes, told ?? NEVER);
        const next = soonest === NEVER ? null : soonest;
        if (next !== null && next <= now.getTime()) continue;
        const made = Date.parse(summary.evaluatedAt);
        if (summary.seq !== heads.get(row.program)) continue; // a summary left behind its ledger says nothing of the lines after it
        // Told up to after the summary was made, or the cursors' own next time (of the same head) stands.
        const caughtUp = mine.every((cursor) => {
          return cursor !== undefined && cursor.seq === heads.get(row.program) && cursor.attempts === 0 && cursor.done.length === 0 && (cursor.timeFrom >= made || told !== undefined);
        });
        if (caughtUp) settled.set(row.program, next);
      }
      if (!page.more || this.stopped) return settled;
    }
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.o.now().getTime();
    for (const [program, at] of this.lookAt) {
      if (at > now) continue;
      this.lookAt.delete(program);
      this.kick(program);
    }
  }

  /** `program` needs a look by `at` (ms), whatever else happens to it. */
  private lookBy(program: string, at: number): void {
    this.lookAt.set(program, Math.min(this.lookAt.get(program) ?? Infinity, at));
  }

  /** Keep `program`'s feed as the most recently used; let the least recent idle ones go past the budget. */
  private remember(program: string, feed: Feed): void {
    const promise = this.feeds.get(program);
    if (promise === undefined) return;
    this.feeds.delete(program);
    this.feeds.set(program, promise);
    this.held += feedBytes(feed) - (this.heldBytes.get(program) ?? 0);
    this.heldBytes.set(program, feedBytes(feed));
    for (const other of this.feeds.keys()) {
      if (this.held <= (this.o.feedBudgetBytes ?? FEED_BUDGET_BYTES)) break;
      if (other === program || this.running.has(other) || [...this.delivering.keys()].some((k) => k.endsWith(`\n${other}`))) continue;
      this.forget(other);
    }
  }

  private forget(program: string): void {
    this.feeds.delete(program);
    this.held -= this.heldBytes.get(program) ?? 0;
    this.heldBytes.delete(program);
  }

  private feedOf(program: string): Promise<Feed> {
    let feed = this.feeds.get(program);
    if (feed === undefined) {
      feed = (async () => {
        const verified = await VerifiedProgram.open(new StoredLedger(this.o.store, program, { keepEvents: true }));
        return { program: verified, events: await verified.eventsAfter(0), notes: [], folded: { seq: 0, state: initialState() }, dirty: false, timeAt: null };
      })();
      this.feeds.set(program, feed);
      feed.catch(() => this.forget(program));
    }
    return feed;
  }

  /** Look at `program` for every sink of it, unless a look is already running. */
  private kick(program: string): void {
    if (this.stopped) return;
    // A look already running may have read the program before this news: look once more after it.
    if (this.running.has(program)) {
      this.again.add(program);
      return;
    }
    const run = this.look(program)
      .catch((error: Error) => this.o.log?.warn(`notifications of ${program}: ${error.message}`))
      .finally(() => {
        this.running.delete(program);
        if (this.again.delete(program)) this.kick(program);
      });
    this.running.set(program, run);
  }

  private async look(program: string): Promise<void> {
    const feed = await this.feedOf(program);
    if (feed.dirty) {
      feed.dirty = false;
      if ((await feed.program.catchUp()) > 0) {
        feed.events.push(...(await feed.program.eventsAfter(feed.events.length)));
        feed.timeAt = null;
      }
    }
    this.known.add(program);
    this.remember(program, feed);
    const definition = feed.program.state.definition;
    if (definition === null) return;
    const sinks = sinksOf(definition, this.o.sinks);
    for (const name of definition.notify ?? []) {
      if (this.o.sinks.some((s) => s.named && s.name === name) || this.warned.has(`${program}\n${name}`)) continue;
      this.warned.add(`${program}\n${name}`);
      this.o.log?.warn(`program ${program} names sink ${name} in its notify:, which this server does not have (--notify-config): nothing is sent there`);
    }
    const now = this.o.now();
    const head = feed.program.state.seq;
    // Time is looked at again only when it could tell something (or the program moved).
    if (feed.timeAt === null || (feed.timeAt.next !== null && now.getTime() >= feed.timeAt.next)) {
      const evaluation = evaluate(feed.program.state, now);
      const repeat = Math.min(...sinks.map((s) => s.repeatOverdueMs), Number.MAX_SAFE_INTEGER);
      feed.timeAt = { evaluation, next: nextNotificationAt(evaluation, repeat) };
    }
    const timeAt = feed.timeAt;
    if (timeAt.next !== null) this.lookBy(program, timeAt.next);
    // Each sink on its own: the look does not wait for deliveries, so a slow receiver delays only itself.
    for (const sink of sinks) {
      const key = `${sink.name}\n${program}`;
      const hint = this.hints.get(key);
      // In back-off, nothing is due before its time (later news waits behind it, in order).
      const due = hint === undefined || (hint.attempts > 0 ? hint.nextAt <= now.getTime() : hint.seq < head || hint.done.length > 0 || hint.timeFrom < Date.parse(timeAt.evaluation.evaluatedAt));
      if (!due) {
        if (hint !== undefined && hint.attempts > 0) this.lookBy(program, hint.nextAt);
        continue;
      }
      if (this.delivering.has(key)) {
        this.deliverAgain.add(key);
        continue;
      }
      const run = this.withinSink(sink, () => this.deliverFor(sink, program, feed, timeAt.evaluation))
        .catch((error: Error) => {
          // The cursor was not kept (the database?): the next tick tries again from it.
          this.hints.delete(key);
          this.o.log?.warn(`notifications of ${program} to sink ${sink.name}: ${error.message}`);
        })
        .finally(() => {
          this.delivering.delete(key);
          // What is left to do: a retry at its time; more lines than a claim sends, a claim another
          // replica held, or a failure to keep the cursor, at the next tick.
          const left = this.hints.get(key);
          if (left === undefined) this.lookBy(program, 0);
          else if (left.attempts > 0) this.lookBy(program, left.nextAt);
          else if (left.seq < feed.events.length) this.lookBy(program, 0);
          if (this.deliverAgain.delete(key)) this.kick(program);
        });
      this.delivering.set(key, run);
    }
  }

  /**
   * Run `work` when fewer than the sink's bound are in flight for it, and fewer than `claims` in all
   * (each claim holds a database connection while it delivers: the pool serves the API too).
   */
  private withinSink<T>(sink: Sink, work: () => Promise<T>): Promise<T> {
    return this.within(`sink:${sink.name}`, this.o.perSink ?? 4, () => this.within('all', this.o.claims ?? 8, work));
  }

  private async within<T>(key: string, limit: number, work: () => Promise<T>): Promise<T> {
    while ((this.inFlight.get(key) ?? 0) >= limit) await new Promise<void>((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      return await work();
    } finally {
      this.inFlight.set(key, this.inFlight.get(key)! - 1);
      this.waiting.get(key)?.shift()?.();
    }
  }

  /** Claim the sink's cursor of the program, send what is pending in order, keep how far it got. */
  private async deliverFor(sink: Sink, program: string, feed: Feed, at: Evaluation): Promise<void> {
    const since = await this.o.state.sinceOf(sink.name, this.o.now().getTime());
    // History before the sink existed is not replayed to it: its first cursor is past the lines dated before.
    const initial: Cursor = { seq: feed.events.filter((e) => Date.parse(e.at) < since).length, timeFrom: since, done: [], attempts: 0, nextAt: 0, error: null };
    const claimed = await this.o.state.claim(sink.name, program, initial, async (cursor) => {
      const next = await this.send(sink, program, feed, at, cursor, feed.timeAt?.evaluation === at ? feed.timeAt.next : undefined);
      this.hints.set(`${sink.name}\n${program}`, next);
      return next;
    });
    if (!claimed) this.hints.delete(`${sink.name}\n${program}`);
  }

  /** `timeNext`: when time next tells something of the program, as of `at` (null: never; undefined: not known). */
  private async send(sink: Sink, program: string, feed: Feed, at: Evaluation, cursor: Cursor, timeNext?: number | null): Promise<Cursor> {
    const now = this.o.now().getTime();
    if (cursor.attempts > 0 && cursor.nextAt > now) return cursor;
    const head = feed.events.length;
    if (head < cursor.seq) {
      // Another replica delivered lines this one has not read yet: read them before the next look.
      feed.dirty = true;
      return cursor;
    }
    const to = Date.parse(at.evaluatedAt);
    const done = new Set(cursor.done);
    const lines: { seq: number; notes: Notification[] }[] = [];
    for (let seq = cursor.seq + 1; seq <= head; seq++) lines.push({ seq, notes: this.notesOf(feed, seq).filter((n) => sink.types.includes(n.type)) });
    const timed = to > cursor.timeFrom ? timeNotifications(at, cursor.timeFrom, sink.repeatOverdueMs).filter((n) => sink.types.includes(n.type)) : [];
    const pending = [...lines.flatMap((l) => l.notes), ...timed].filter((n) => !done.has(n.id));
    let attempts = cursor.attempts;
    let error: string | null = cursor.error;
    let blocked = false;
    let sent = 0;
    for (const n of pending) {
      if (sent >= PER_CLAIM) {
        blocked = true;
        break;
      }
      const body = bodyOf(sink.format, n, { sinkUrl: sink.url, ...(this.o.publicUrl === undefined ? {} : { publicUrl: this.o.publicUrl }), ...(sink.routingKey === undefined ? {} : { routingKey: sink.routingKey }), ...(sink.changeUrl === undefined ? {} : { changeUrl: sink.changeUrl }) });
      if (body === null) {
        done.add(n.id);
        continue;
      }
      sent++;
      const failure = await this.post(sink, n.id, body);
      // Stopping: keep the cursor as it was (nothing is counted against the receiver); the next start sends it.
      if (failure !== null && this.stopped) throw new Error('the server is stopping');
      if (failure === null) {
        done.add(n.id);
        attempts = 0;
        error = null;
        this.o.observer?.delivered?.(sink.name, n.type, n.seq === null ? null : n.time);
        continue;
      }
      attempts++;
      error = failure;
      this.o.observer?.failed?.(sink.name);
      if (attempts >= (this.o.attempts ?? 8)) {
        await this.o.state.addDeadLetter({ sink: sink.name, program, notification: n.id, type: n.type, url: body.url ?? sink.url, contentType: body.contentType, body: body.text, error: failure, attempts }, new Date(now));
        this.o.observer?.dead?.(sink.name);
        this.o.log?.warn(`notification ${n.id} to sink ${sink.name}: a dead letter after ${attempts} attempts (${failure})`);
        done.add(n.id);
        attempts = 0;
        continue;
      }
      blocked = true;
      break;
    }
    // How far every line's notifications are done: the cursor moves there, and forgets the ids behind it.
    let seq = cursor.seq;
    for (const l of lines) {
      if (!l.notes.every((n) => done.has(n.id))) break;
      seq = l.seq;
    }
    const timeDone = !blocked && timed.every((n) => done.has(n.id));
    const keep = (n: Notification) => done.has(n.id) && ((n.seq !== null && n.seq > seq) || (n.seq === null && !timeDone));
    // When time next tells something: known only once time is told up to `at`.
    const told = timeDone && timeNext !== undefined ? { timeNext: timeNext ?? NEVER } : cursor.timeNext === undefined ? {} : { timeNext: cursor.timeNext };
    return {
      seq,
      timeFrom: timeDone ? Math.max(cursor.timeFrom, to) : cursor.timeFrom,
      done: [...lines.flatMap((l) => l.notes), ...timed].filter(keep).map((n) => n.id),
      attempts,
      nextAt: attempts === 0 ? 0 : now + this.pause(attempts),
      error,
      ...told,
    };
  }

  /** Full jitter over half the doubling window: attempt n waits between half and all of base·2^(n-1), capped. */
  private pause(attempts: number): number {
    const window = Math.min(this.o.maxBackoffMs ?? 5 * 60_000, (this.o.backoffMs ?? 1000) * 2 ** (attempts - 1));
    return Math.round(window / 2 + Math.random() * (window / 2));
  }

  /** The notifications of line `seq`, folding the state forward as needed. */
  private notesOf(feed: Feed, seq: number): Notification[] {
    const known = feed.notes[seq - 1];
    if (known !== undefined) return known;
    if (feed.folded.seq >= seq) feed.folded = { seq: 0, state: initialState() };
    while (feed.folded.seq < seq - 1) feed.folded = { seq: feed.folded.seq + 1, state: evolve(feed.folded.state, feed.events[feed.folded.seq]!) };
    const event = feed.events[seq - 1]!;
    const before = feed.folded.state;
    const after = evolve(before, event);
    const when = new Date(event.at);
    const notes = lineNotifications(event, before.definition === null ? null : evaluate(before, when), evaluate(after, when));
    feed.folded = { seq, state: after };
    feed.notes[seq - 1] = notes;
    return notes;
  }

  /** POST one body; null when the receiver took it (2xx), else why not. */
  private async post(sink: Sink, id: string, body: Body): Promise<string | null> {
    const headers = signedHeaders(id, this.o.now(), body.text, this.o.key, sink.secret);
    try {
      const response = await fetch(body.url ?? sink.url, {
        method: 'POST',
        headers: { 'content-type': body.contentType, 'user-agent': 'cutover-notify', ...headers },
        body: body.text,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs ?? 10_000), this.stopping.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status >= 200 && response.status < 300 ? null : `HTTP ${response.status}`;
    } catch (e) {
      const error = e as Error & { cause?: Error };
      return error.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs ?? 10_000} ms` : (error.cause?.message ?? error.message);
    }
  }

  /** Send a dead letter again, now, as it was; it leaves the list when the receiver takes it. */
  async redeliver(letter: DeadLetter): Promise<string | null> {
    const sink = this.o.sinks.find((s) => s.name === letter.sink);
    const failure = await this.post(sink ?? { name: letter.sink, named: true, url: letter.url, format: 'cloudevents', types: [], repeatOverdueMs: 0 }, letter.notification, { text: letter.body, contentType: letter.contentType, url: letter.url });
    if (failure === null) await this.o.state.removeDeadLetter(letter.id);
    return failure;
  }

  deadLetters(): Promise<DeadLetter[]> {
    return this.o.state.deadLetters();
  }
}
