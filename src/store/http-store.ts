/**
 * A program on a Cutover server, seen as a LedgerStore: the client side of `cutover serve`.
 * Reads return the lines exactly as the server stores them; the caller verifies them like any
 * other copy (the server is never trusted). An append posts sealed, signed lines with the expected
 * head: 409 becomes StaleHeadError, any other refusal a ServerRefusalError with the server's words.
 */
import type { LedgerEvent } from '../domain/events.js';
import { invalidInput, ServerRefusalError, StaleHeadError, type ErrorKind } from '../errors.js';
import { serialize } from '../ledger/line.js';
import type { LedgerHead, LedgerRead, LedgerStore } from './ledger-store.js';

export class HttpLedgerStore implements LedgerStore {
  readonly base: string;

  constructor(server: string, private readonly token?: string) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw invalidInput({ source: '--server', field: '', expected: 'a server URL such as http://127.0.0.1:8080', found: JSON.stringify(server) });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw invalidInput({ source: '--server', field: '', expected: 'an http:// or https:// URL', found: JSON.stringify(server) });
    }
    this.base = url.toString().replace(/\/+$/, '');
  }

  urlOf(program: string, rest = ''): string {
    return `${this.base}/v1/programs/${encodeURIComponent(program)}${rest}`;
  }

  async read(program: string, fromSeq = 1): Promise<LedgerRead> {
    const response = await this.request(this.urlOf(program, `/events?from=${Math.max(1, fromSeq)}`));
    const source = this.urlOf(program);
    if (response.status === 404) return { source, lines: [] };
    const text = await this.ok(response);
    return { source, lines: text === '' ? [] : text.replace(/\n$/, '').split('\n') };
  }

  async head(program: string): Promise<LedgerHead | null> {
    const response = await this.request(this.urlOf(program, `/events?from=${2 ** 31 - 1}`));
    if (response.status === 404) return null;
    await this.ok(response);
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
    const response = await this.request(this.urlOf(program, '/events'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expectedHead, lines: events.map(serialize) }),
    });
    if (response.status === 409) {
      const body = (await response.json().catch(() => ({}))) as { head?: { hash?: string } | null };
      throw new StaleHeadError(expectedHead, body.head?.hash ?? null);
    }
    const answer = JSON.parse(await this.ok(response)) as { seq: number; head: string };
    return { seq: answer.seq, hash: answer.head };
  }

  /** Every program, a page at a time: the server says where the next page starts (`next`), until it says none. */
  async listPrograms(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=1000' : `?limit=1000&cursor=${encodeURIComponent(cursor)}`;
      const body = JSON.parse(await this.ok(await this.request(`${this.base}/v1/programs${query}`))) as { programs: { id: string }[]; next?: string | null };
      ids.push(...body.programs.map((p) => p.id));
      cursor = body.next ?? null;
    } while (cursor !== null);
    return ids.sort();
  }

  private async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token !== undefined) headers.set('authorization', `Bearer ${this.token}`);
    try {
      return await fetch(url, { ...init, headers });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerRefusalError('input', 'server-unreachable', 0, `the server ${this.base} cannot be reached (${cause?.code ?? cause?.message ?? (error as Error).message}); nothing was written`, [
        'check --server (or CUTOVER_SERVER) and that cutover serve is running there',
      ]);
    }
  }

  /** The body of a 2xx answer; any other answer thrown as the server's error. */
  private async ok(response: Response): Promise<string> {
    const text = await response.text();
    if (response.ok) return text;
    let error: { kind?: string; code?: string; message?: string; hints?: string[] } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      // not one of our error bodies: say what came back
    }
    const kind: ErrorKind = error.kind === 'policy' || error.kind === 'ledger' ? error.kind : 'input';
    throw new ServerRefusalError(kind, error.code ?? `http-${response.status}`, response.status, `${response.url}: ${response.status} ${error.message ?? text.slice(0, 200)}`, error.hints ?? []);
  }
}
