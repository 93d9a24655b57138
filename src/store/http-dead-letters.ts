/**
 * A server's dead letters over its API: `GET /v1/notify/dead-letters` and
 * `POST /v1/notify/dead-letters/ID/redeliver`. Answers come back parsed but unchecked (`src/app`
 * checks their shape: the server is not trusted); refusals are thrown as the server's typed errors.
 */
import { invalidInput } from '../errors.js';
import { ServerClient } from './server-client.js';

export interface ServerAnswer {
  /** The URL asked, to name in an error. */
  readonly source: string;
  readonly body: unknown;
}

export class HttpDeadLetters {
  private readonly client: ServerClient;

  constructor(server: string, token?: string) {
    this.client = new ServerClient(server, token);
  }

  get base(): string {
    return this.client.base;
  }

  async list(): Promise<ServerAnswer> {
    const source = `${this.base}/v1/notify/dead-letters`;
    return { source, body: parsed(source, await this.client.ok(await this.client.request(source))) };
  }

  async redeliver(id: string): Promise<ServerAnswer> {
    const source = `${this.base}/v1/notify/dead-letters/${encodeURIComponent(id)}/redeliver`;
    return { source, body: parsed(source, await this.client.ok(await this.client.request(source, { method: 'POST' }))) };
  }
}

function parsed(source: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidInput({ source, field: '', expected: 'a JSON answer', found: JSON.stringify(text.slice(0, 80)) });
  }
}
