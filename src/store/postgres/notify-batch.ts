/**
 * Notifications of committed appends, sent in batches: one transaction carries every payload that
 * queued while the previous one was in flight. Each transaction that notifies takes a
 * database-wide lock at commit, so one per append would make concurrent appends wait on each other.
 */
import type { SqlClient } from './client.js';

export class NotifyBatches {
  private inFlight = false;
  private queued: { payloads: string[]; promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(
    private readonly client: SqlClient,
    private readonly channel: string,
  ) {}

  /** Resolves once a transaction carrying `payload` has committed. */
  send(payload: string): Promise<void> {
    if (!this.inFlight) return this.run([payload]);
    if (this.queued === undefined) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
      this.queued = { payloads: [], promise, resolve, reject };
    }
    this.queued.payloads.push(payload);
    return this.queued.promise;
  }

  private run(payloads: string[]): Promise<void> {
    this.inFlight = true;
    const sent = this.client
      .query({ name: 'cutover-notify-batch', text: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p' }, [this.channel, payloads])
      .then(() => undefined);
    const settle = () => {
      const queued = this.queued;
      this.queued = undefined;
      if (queued === undefined) this.inFlight = false;
      else this.run(queued.payloads).then(queued.resolve, queued.reject);
    };
    sent.then(settle, settle);
    return sent;
  }
}
