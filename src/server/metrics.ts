/** Prometheus text exposition of the server's counters and request latencies (no client library needed). */

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type Labels = Record<string, string>;

/** The series a label set names. Runs on every request: no sort and no JSON, names and values joined by characters a label never holds. */
const key = (labels: Labels) => {
  const names = Object.keys(labels);
  if (names.length > 1 && names.some((n, i) => i > 0 && names[i - 1]! > n)) names.sort();
  let k = '';
  for (const n of names) k += `${n}\u0000${labels[n]}\u0001`;
  return k;
};
const render = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
};

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    const entry = this.values.get(k) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(k, entry);
  }
  text(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${render(labels)} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string) {}
  observe(labels: Labels, seconds: number): void {
    const k = key(labels);
    const s = this.series.get(k) ?? { labels, counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.counts[i]!++;
    s.sum += seconds;
    s.count++;
    this.series.set(k, s);
  }
  text(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      BUCKETS.forEach((b, i) => lines.push(`${this.name}_bucket${render({ ...s.labels, le: String(b) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${render({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${render(s.labels)} ${s.sum}`, `${this.name}_count${render(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** A value read when the metrics are rendered. */
class Gauge {
  read: () => number = () => 0;
  constructor(readonly name: string, readonly help: string) {}
  text(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.read()}`].join('\n');
  }
}

export class ServerMetrics {
  readonly requests = new Counter('cutover_http_requests_total', 'HTTP requests by route, method and status code');
  readonly latency = new Histogram('cutover_http_request_duration_seconds', 'HTTP request latency by route and method');
  readonly appends = new Counter('cutover_appends_total', 'appends accepted (201)');
  readonly appendedEvents = new Counter('cutover_appended_events_total', 'events written by accepted appends');
  readonly conflicts = new Counter('cutover_conflicts_total', 'appends refused because the expected head was stale (409)');
  readonly refusals = new Counter('cutover_refusals_total', 'appends refused by verification or the policy (422), by error code');
  readonly loads = new Counter('cutover_program_loads_total', 'programs loaded into this process: from a verified checkpoint, or from the start');
  readonly resumedEvents = new Counter('cutover_checkpoint_resumed_events_total', 'events covered by the checkpoints loads resumed at (their lines hashed again, not verified again)');
  readonly verifiedEvents = new Counter('cutover_loaded_events_verified_total', 'stored events verified by loads and catch-ups (posted events not included)');
  readonly checkpointsWritten = new Counter('cutover_checkpoints_written_total', 'checkpoints kept');
  readonly checkpointsIgnored = new Counter('cutover_checkpoints_ignored_total', 'checkpoints set aside (the log says why): the program was verified in full');
  readonly storeRewound = new Counter('cutover_store_rewound_total', 'programs found behind, or with another line at a verified seq, in the store (a restored backup, a lagging standby): the cached state was dropped and the store verified again');
  readonly authRefusals = new Counter('cutover_auth_refusals_total', 'requests refused 401 (no, a bad or an expired credential) or 403 (an identity not allowed), by route, status and reason');
  readonly notifyDelivered = new Counter('cutover_notify_delivered_total', 'notifications a receiver took (2xx), by sink');
  readonly notifyFailures = new Counter('cutover_notify_failed_attempts_total', 'delivery attempts that failed (not 2xx, no answer in time, unreachable), by sink');
  readonly notifyDeadLetters = new Counter('cutover_notify_dead_letters_total', 'notifications given up after every retry and kept as dead letters (GET /notify/dead-letters), by sink');
  readonly streamsOpen = new Gauge('cutover_streams_open', 'event streams open now (a program\'s lines, or the overview\'s heads)');
  readonly streamsOpened = new Counter('cutover_streams_opened_total', 'event streams opened, by stream (program, heads)');
  readonly streamsRefused = new Counter('cutover_streams_refused_total', 'event streams refused 503 (too many), by bound (total: --max-streams, program: --max-streams-per-program)');
  readonly streamsDropped = new Counter('cutover_streams_dropped_total', 'event streams closed because their viewer stopped reading (256 KiB unread), by stream');
  readonly streamFetches = new Counter('cutover_stream_fetches_total', 'looks in the store for new lines of a followed program (PostgreSQL: a read; a folder: a size check, then a read of what was added): one per append and per poll that found the head moved, shared by every viewer');
  readonly notifyHeld = new Gauge('cutover_notify_programs_held', 'programs whose events the notifier holds now (an eighth of --memory-budget at most, estimated)');
  readonly failedLoads = new Counter('cutover_program_loads_failed_total', 'program loads that failed verification (remembered until the program\'s head in the store changes)');

  text(): string {
    return [this.requests, this.latency, this.appends, this.appendedEvents, this.conflicts, this.refusals, this.loads, this.resumedEvents, this.verifiedEvents, this.checkpointsWritten, this.checkpointsIgnored, this.storeRewound, this.failedLoads, this.authRefusals, this.notifyDelivered, this.notifyFailures, this.notifyDeadLetters, this.notifyHeld, this.streamsOpen, this.streamsOpened, this.streamsRefused, this.streamsDropped, this.streamFetches]
      .map((m) => m.text())
      .join('\n') + '\n';
  }
}
