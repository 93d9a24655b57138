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

/** The most lines one request carries (the server's limit is 1000, and its body limit 1 MiB). */
const LINES_PER_POST = 200;

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

  async append(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<LedgerHead> {
    let head = expectedHead;
    let last: LedgerHead | null = null;
    for (let i = 0; i < events.length; i += LINES_PER_POST) {
      const lines = events.slice(i, i + LINES_PER_POST).map(serialize);
      const response = await this.request(this.urlOf(program, '/events'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ expectedHead: head, lines }),
      });
      if (response.status === 409) {
        const body = (await response.json().catch(() => ({}))) as { head?: { hash?: string } | null };
        throw new StaleHeadError(head, body.head?.hash ?? null);
      }
      const answer = JSON.parse(await this.ok(response)) as { seq: number; head: string };
      last = { seq: answer.seq, hash: answer.head };
      head = answer.head;
    }
    return last ?? (await this.head(program))!;
  }

  async listPrograms(): Promise<string[]> {
    const response = await this.request(`${this.base}/v1/programs`);
    const body = JSON.parse(await this.ok(response)) as { programs: { id: string }[] };
    return body.programs.map((p) => p.id).sort();
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
