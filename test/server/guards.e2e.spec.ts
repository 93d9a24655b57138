// Who may create and write, and inputs that must be refused in the documented shape (issue 21,
// items 6, 7 and 11), against real `cutover serve` processes on a folder.
import { afterEach, describe, expect, it } from 'vitest';
import { cutover, tempDir } from '../support/cli.js';
import { blockerAfter, EXAMPLE_PROGRAM, eventsOf, exampleLines, headOf, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

async function serving(...args: string[]): Promise<RunningServer> {
  const server = await startServer(['--data', tempDir(), ...args]);
  running.push(server);
  return server;
}

async function post(server: RunningServer, expectedHead: string | null, lines: readonly string[], token?: string) {
  const response = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ expectedHead, lines }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string }; head?: unknown } };
}

describe('creating a program', () => {
  it('with --create-token, only a bearer of it creates; the anonymous attempt stores nothing', async () => {
    const server = await serving('--create-token', 'make-it');
    const refused = await post(server, null, exampleLines());
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining(`creating program ${EXAMPLE_PROGRAM} on this server needs a creation token`) });
    expect(await eventsOf(server.url, EXAMPLE_PROGRAM)).toBe('');
    expect((await post(server, null, exampleLines(), 'make-it')).status).toBe(201);
  });

  it('a protected id is claimed only with its own token, whatever the creation rules', async () => {
    const server = await serving('--token', `${EXAMPLE_PROGRAM}=its-own`);
    expect((await post(server, null, exampleLines())).status).toBe(401);
    expect((await post(server, null, exampleLines(), 'another')).status).toBe(401);
    const none = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events`, { headers: { authorization: 'Bearer its-own' } });
    expect(none.status).toBe(404);
    expect((await post(server, null, exampleLines(), 'its-own')).status).toBe(201);
  });

  it('bound beyond loopback, serve refuses to start without a creation credential unless anonymous creation is asked for', async () => {
    const refused = cutover(['serve', '--host', '0.0.0.0', '--port', '0', '--data', tempDir()]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/expected a loopback address, or a creation credential for 0\.0\.0\.0/);
    expect(refused.stderr).toContain('--allow-anonymous-create');
    const open = await startServer(['--data', tempDir(), '--host', '0.0.0.0', '--allow-anonymous-create']);
    running.push(open);
    expect(open.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
  });
});

describe('a protected program', () => {
  it('answers an unauthenticated write as it answers an unauthenticated read: 401, no head, no times', async () => {
    const server = await serving('--token', `${EXAMPLE_PROGRAM}=its-own`);
    const lines = exampleLines();
    expect((await post(server, null, lines, 'its-own')).status).toBe(201);
    const stale = await post(server, null, [blockerAfter(lines, 1)]);
    expect(stale.status).toBe(401);
    expect(stale.body.head).toBeUndefined();
    expect(JSON.stringify(stale.body)).not.toMatch(/sha256:|2026-/);
    expect(stale.body.error!.message).toBe(`writing to program ${EXAMPLE_PROGRAM} needs its bearer token`);
    expect((await post(server, headOf(lines), [blockerAfter(lines, 1)], 'its-own')).status).toBe(201);
  });
});

describe('inputs out of range', () => {
  it('a seq past any store, a Last-Event-ID past it, and an over-long id: 400 in the documented shape', async () => {
    const server = await serving();
    expect((await post(server, null, exampleLines())).status).toBe(201);
    const far = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events?from=99999999999`);
    expect(far.status).toBe(400);
    expect(((await far.json()) as { error: { kind: string } }).error.kind).toBe('input');
    const stream = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events/stream`, { headers: { 'last-event-id': String(2 ** 31) } });
    expect(stream.status).toBe(400);
    expect(((await stream.json()) as { error: { message: string } }).error.message).toMatch(/Last-Event-ID/);
    for (const length of [101, 200]) {
      const long = await fetch(`${server.url}/v1/programs/${'a'.repeat(length)}/status`);
      expect(long.status).toBe(400);
      expect(((await long.json()) as { error: { code: string } }).error.code).toBe('invalid-request');
    }
  });
});
