/**
 * One viewer's multiplexed stream of where several programs end (`GET /v1/streams/heads`): a page
 * that shows many programs follows them all over one connection (a browser allows six per host),
 * hearing `{program, seq}` when one gains lines. It starts with every program's current head, so a
 * page compares them with what it shows, and a reconnecting page learns what it missed. A
 * `keep-alive` event every `keepAliveMs` lets a page tell a silent connection from a live one.
 */
import type { ServerResponse } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';
import type { Broadcasts, StreamedLine, Subscriber } from './broadcast.js';
import type { StreamLimits } from './event-stream.js';

/** The data of a `head` event (JSON): a program and the seq of its last line (0: no lines yet). */
export const HeadEvent = Type.Object(
  {
    program: Type.String({ description: 'the program id' }),
    seq: Type.Integer({ minimum: 0, description: 'the seq of its last line now (0: the program has no lines)' }),
  },
  { $id: 'https://cutover.dev/schemas/head-event.schema.json', title: 'GET /v1/streams/heads: the data of a head event (version 1)', additionalProperties: false },
);
export type HeadEvent = Static<typeof HeadEvent>;

export class HeadsStream implements Subscriber {
  private closed = false;
  private readonly leaving: (() => void)[] = [];
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly raw: ServerResponse,
    private readonly broadcasts: Broadcasts,
    private readonly limits: StreamLimits,
  ) {
    this.keepAlive = setInterval(() => {
      if (!raw.writableNeedDrain) raw.write('event: keep-alive\ndata: {}\n\n');
    }, limits.keepAliveMs);
    raw.on('close', () => this.close());
  }

  /** Follow every program, then say where each ends now. */
  async start(programs: readonly string[]): Promise<void> {
    const joined = await Promise.allSettled(programs.map((p) => this.broadcasts.subscribe(p, this)));
    for (const j of joined) if (j.status === 'fulfilled') this.leaving.push(j.value.leave);
    const failed = joined.find((j) => j.status === 'rejected');
    if (failed !== undefined) {
      this.close();
      throw failed.reason;
    }
    if (this.closed) return this.close();
    const heads = joined.map((j, i) => this.event(programs[i]!, (j as PromiseFulfilledResult<{ seq: number }>).value.seq));
    this.raw.write(`: cutover heads of ${programs.length} programs\n\n` + heads.join(''));
  }

  deliver(program: string, lines: readonly StreamedLine[]): void {
    if (this.closed) return;
    if (this.raw.writableLength > this.limits.maxUnreadBytes) {
      // A viewer that stopped reading: closed rather than buffered for (it reconnects and hears every head again).
      this.limits.dropped?.();
      this.raw.destroy();
      return this.close();
    }
    this.raw.write(this.event(program, lines[lines.length - 1]!.seq));
  }

  private event(program: string, seq: number): string {
    const data: HeadEvent = { program, seq };
    return `event: head\ndata: ${JSON.stringify(data)}\n\n`;
  }

  close(): void {
    if (this.closed) {
      for (const leave of this.leaving.splice(0)) leave();
      return;
    }
    this.closed = true;
    clearInterval(this.keepAlive);
    for (const leave of this.leaving.splice(0)) leave();
    if (!this.raw.writableEnded) this.raw.end();
  }
}
