/** A webhook receiver on loopback for notification tests: records every request, answers as told. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface Received {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly at: number;
  /** The status it was answered (null: never answered). */
  status: number | null;
}

/** How to answer a request: a status, or 'hang' (never answer). */
export type Answer = number | 'hang';

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Set how the next requests are answered. */
  answer: (request: Received, index: number) => Answer;
  /** The requests answered 2xx. */
  accepted(): Received[];
  /** Wait until `test` holds of the accepted requests (polling), or fail after `ms`. */
  waitFor<T>(test: (accepted: Received[]) => T | undefined | false, ms?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startReceiver(answer: Receiver['answer'] = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: '',
    received,
    answer,
    accepted: () => received.filter((r) => r.status !== null && r.status >= 200 && r.status < 300),
    async waitFor(test, ms = 30_000) {
      const until = Date.now() + ms;
      for (;;) {
        const found = test(receiver.accepted());
        if (found !== undefined && found !== false) return found as never;
        if (Date.now() > until) throw new Error(`the receiver did not get what was awaited within ${ms} ms; it got ${received.length} request(s): ${received.map((r) => `${r.status} ${r.headers['webhook-id']}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const entry: Received = { headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), status: null };
      received.push(entry);
      const how = receiver.answer(entry, received.length - 1);
      if (how === 'hang') {
        hanging.add(response);
        return;
      }
      entry.status = how;
      response.writeHead(how).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

/** Receivers one test file starts, closed after each test. */
export function receiversPerTest(): (answer?: Receiver['answer']) => Promise<Receiver> {
  const open: Receiver[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
  });
  return async (answer) => {
    const r = await startReceiver(answer);
    open.push(r);
    return r;
  };
}

/** Poll `test` every 50 ms until it gives a value (not undefined); fails after `ms`. */
export async function waitUntil<T>(test: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await test();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
