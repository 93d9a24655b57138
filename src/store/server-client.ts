/**
 * Requests to a Cutover server, for every client of its API (the ledger store, the dead letters):
 * the URL checked once, the bearer token on each request, a server that cannot be reached and every
 * refusal (`{error: {kind, code, message, hints}}`) turned into the CLI's typed errors in one place.
 */
import { invalidInput, ServerRefusalError, type ErrorKind } from '../errors.js';

export class ServerClient {
  /** The server's URL without a trailing slash. */
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

  async request(url: string, init: RequestInit = {}): Promise<Response> {
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
  async ok(response: Response): Promise<string> {
    const text = await response.text();
    if (response.ok) return text;
    let error: { kind?: string; code?: string; message?: string; hint?: string | null; hints?: string[] } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      // not one of our error bodies: say what came back
    }
    // Only the CLI's kinds have exit codes; what only a server says (unavailable, internal) is input's.
    const kind: ErrorKind = error.kind === 'policy' || error.kind === 'ledger' ? error.kind : 'input';
    // `hint` is the hints joined; a server that filled in only `hint` still has its hint shown.
    const hints = error.hints !== undefined && error.hints.length > 0 ? error.hints : typeof error.hint === 'string' && error.hint !== '' ? error.hint.split('\n') : [];
    throw new ServerRefusalError(kind, error.code ?? `http-${response.status}`, response.status, `${response.url}: ${response.status} ${error.message ?? text.slice(0, 200)}`, hints);
  }
}
