/**
 * The one mapping from a server's answer to the CLI's typed errors (store/server-client.ts), against
 * a real HTTP server on loopback: the error body's kind, code, message and hints; a body that fills in
 * only `hint`; an answer that is not one of our error bodies; a server that cannot be reached.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerRefusalError } from '../../src/errors.js';
import { ServerClient } from '../../src/store/server-client.js';

const ANSWERS: Record<string, [number, string]> = {
  '/policy': [422, JSON.stringify({ error: { kind: 'policy', code: 'policy-refusal', message: 'a gate is unmet', hint: 'clear it\nthen post again', hints: ['clear it', 'then post again'] } })],
  '/hint-only': [502, JSON.stringify({ error: { kind: 'unavailable', code: 'redelivery-failed', message: 'the receiver did not take it', hint: 'try again\nlater', hints: [] } })],
  '/not-ours': [500, '<html>proxy error</html>'],
  '/fine': [200, '{"ok":true}'],
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const [status, body] = ANSWERS[request.url ?? ''] ?? [404, ''];
    response.writeHead(status, { 'content-type': 'application/json', 'x-authorization-seen': request.headers.authorization ?? '' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function refusalOf(client: ServerClient, path: string): Promise<ServerRefusalError> {
  const error = await client.ok(await client.request(`${base}${path}`)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServerRefusalError);
  return error as ServerRefusalError;
}

describe('ServerClient', () => {
  it('sends the bearer token and returns the body of a 2xx answer', async () => {
    const client = new ServerClient(base, 't0ken');
    const response = await client.request(`${base}/fine`);
    expect(response.headers.get('x-authorization-seen')).toBe('Bearer t0ken');
    expect(await client.ok(response)).toBe('{"ok":true}');
  });

  it("keeps the server's kind when the CLI has it, and its message, code, status and hints", async () => {
    const error = await refusalOf(new ServerClient(base), '/policy');
    expect(error).toMatchObject({ kind: 'policy', code: 'policy-refusal', status: 422, hints: ['clear it', 'then post again'] });
    expect(error.message).toBe(`${base}/policy: 422 a gate is unmet`);
  });

  it('a kind only a server has is input; a body with its hint only in `hint` keeps it, a line each', async () => {
    const error = await refusalOf(new ServerClient(base), '/hint-only');
    expect(error).toMatchObject({ kind: 'input', code: 'redelivery-failed', status: 502, hints: ['try again', 'later'] });
  });

  it('an answer that is not an error body is named by its status and its first characters', async () => {
    const error = await refusalOf(new ServerClient(base), '/not-ours');
    expect(error).toMatchObject({ kind: 'input', code: 'http-500', status: 500, hints: [] });
    expect(error.message).toBe(`${base}/not-ours: 500 <html>proxy error</html>`);
  });

  it('a server that cannot be reached, and a URL that is not http(s), are bad input', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new ServerClient(`http://127.0.0.1:${port}`);
    const error = await client.request(`http://127.0.0.1:${port}/v1/programs`).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'input', code: 'server-unreachable' });
    expect(() => new ServerClient('ftp://example.com')).toThrow('--server: expected an http:// or https:// URL, found "ftp://example.com"');
  });
});
