/**
 * A program on a Cutover server, seen as a LedgerStore: the client side of `cutover serve`.
 * Reads return the lines exactly as the server stores them; the caller verifies them like any
 * other copy (the server is never trusted). An append posts sealed, signed lines with the expected
 * head: 409 becomes StaleHeadError, any other refusal a ServerRefusalError with the server's words.
 */
import type { LedgerEvent } from '../domain/events.js';
import { StaleHeadError } from '../errors.js';
import { serialize } from '../ledger/line.js';
import type { LedgerHead, LedgerRead, LedgerStore } from './ledger-store.js';
import { ServerClient } from './server-client.js';

export class HttpLedgerStore implements LedgerStore {
  private readonly client: ServerClient;

  constructor(server: string, token?: string) {
    this.client = new ServerClient(server, token);
  }

  get base(): string {
    return this.client.base;
  }

  urlOf(program: string, rest = ''): string {
    return `${this.base}/v1/programs/${encodeURIComponent(program)}${rest}`;
  }

  async read(program: string, fromSeq = 1): Promise<LedgerRead> {
    const response = await this.client.request(this.urlOf(program, `/events?from=${Math.max(1, fromSeq)}`));
    const source = this.urlOf(program);
    if (response.status === 404) return { source, lines: [] };
    const text = await this.client.ok(response);
    return { source, lines: text === '' ? [] : text.replace(/\n$/, '').split('\n') };
  }

  async head(program: string): Promise<LedgerHead | null> {
    const response = await this.client.request(this.urlOf(program, `/events?from=${2 ** 31 - 1}`));
    if (response.status === 404) return null;
    await this.client.ok(response);
    return { seq: Number(response.headers.get('cutover-seq')), hash: response.headers.get('cutover-head')! };
  }

  /**
   * One request: the server stores every line or none. An empty append is a head check, as in every
   * store. Past the server's limit per request (1,000 lines, 1 MiB), it answers 400 or 413 and
   * nothing is stored: a longer history moves in several appends (`push` does), each atomic.
   */
  async append(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<LedgerHead | null> {
    if (events.length === 0) {
      const head = await this.head(program);
      if ((head?.hash ?? null) !== expectedHead) throw new StaleHeadError(expectedHead, head?.hash ?? null);
      return head;
    }
    const response = await this.client.request(this.urlOf(program, '/events'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expectedHead, lines: events.map(serialize) }),
    });
    if (response.status === 409) {
      const body = (await response.json().catch(() => ({}))) as { head?: { hash?: string } | null };
      throw new StaleHeadError(expectedHead, body.head?.hash ?? null);
    }
    const answer = JSON.parse(await this.client.ok(response)) as { seq: number; head: string };
    return { seq: answer.seq, hash: answer.head };
  }

  /** Every program, a page at a time: the server says where the next page starts (`next`), until it says none. */
  async listPrograms(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=1000' : `?limit=1000&cursor=${encodeURIComponent(cursor)}`;
      const body = JSON.parse(await this.client.ok(await this.client.request(`${this.base}/v1/programs${query}`))) as { programs: { id: string }[]; next?: string | null };
      ids.push(...body.programs.map((p) => p.id));
      cursor = body.next ?? null;
    } while (cursor !== null);
    return ids.sort();
  }
}
