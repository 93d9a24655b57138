/**
 * Event streams under load, through the real server on both stores (issue 21 item 2, issue 26 item
 * 3): a stream starts at the end, viewers that never read are closed instead of buffered for, the
 * bounds on open streams answer 503 with Retry-After, and so does an exhausted database pool.
 */
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { freshDatabase } from '../support/postgres.js';
import { blockerAfter, blockerWriter, EXAMPLE_PROGRAM, exampleLines, headOf, postLines, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

const backends: [string, () => Promise<string[]>][] = [
  ['file', async () => ['--data', tempDir()]],
  ['postgres', async () => ['--database', await freshDatabase()]],
];

async function serving(args: string[]): Promise<RunningServer> {
  const server = await startServer(args);
  running.push(server);
  return server;
}

/** A stream read as it arrives: `until` waits for a text to have arrived. */
async function follow(url: string): Promise<{ text(): string; until(part: string): Promise<string>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let seen = '';
  let waiting: (() => void) | undefined;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      seen += decoder.decode(value);
      waiting?.();
    }
  })();
  return {
    text: () => seen,
    async until(part) {
      while (!seen.includes(part)) await new Promise<void>((resolve) => (waiting = resolve));
      return seen;
    },
    close: () => controller.abort(),
  };
}

/** A viewer that asks for the stream and then never reads a byte; resolves once the answer's headers came. */
async function neverReading(url: string): Promise<{ socket: Socket; readRest(): Promise<string> }> {
  const { hostname, port, pathname, search } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  return {
    socket,
    // Read what was held back, until the server ends the connection (or stops sending).
    readRest: () =>
      new Promise<string>((resolve) => {
        const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
        socket.once('close', done);
        socket.once('end', done);
        socket.once('error', done);
        socket.resume();
      }),
  };
}

for (const [backend, args] of backends) {
  describe(`${backend}: event streams`, () => {
    it('a stream without from or Last-Event-ID starts at the end: only lines that land from then on', async () => {
      const server = await serving(await args());
      const lines = exampleLines();
      await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
      const stream = await follow(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events/stream`);
      const next = blockerAfter(lines, 1);
      expect((await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [next])).status).toBe(201);
      const seen = await stream.until(`id: 8\n`);
      expect(seen).toContain(`id: 8\nevent: line\ndata: ${next}\n\n`);
      expect(seen).not.toMatch(/^id: [1-7]$/m);
      stream.close();

      // Last-Event-ID still resumes after the seq it names, read from the store.
      const resumed = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events/stream`, { headers: { 'last-event-id': '5' } });
      const reader = resumed.body!.getReader();
      let text = '';
      while (!text.includes('id: 8\n')) text += new TextDecoder().decode((await reader.read()).value);
      expect(text.match(/^id: \d+$/gm)).toEqual(['id: 6', 'id: 7', 'id: 8']);
      await reader.cancel();
    });

    it('viewers that never read are closed rather than buffered for; readers get every line and the server keeps answering', async () => {
      const server = await serving([...(await args()), '--body-limit', '4000000']);
      const lines = exampleLines();
      await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
      const url = `${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events/stream`;
      const reader = await follow(url);
      const stalled = await Promise.all(Array.from({ length: 5 }, () => neverReading(url)));

      // About 7 MB of lines, 100 to a post: far more than the kernel holds for a viewer that does not read.
      const writer = blockerWriter(lines, 9_000);
      let head = headOf(lines);
      let seq = lines.length;
      for (let post = 0; post < 8; post++) {
        const batch = Array.from({ length: 100 }, () => writer.next());
        const answer = await postLines(server.url, EXAMPLE_PROGRAM, head, batch);
        expect(answer.status).toBe(201);
        head = headOf(batch);
        seq += batch.length;
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      }
      await reader.until(`id: ${seq}\n`);
      expect(reader.text().match(/^id: \d+$/gm)).toHaveLength(800);

      // Each stalled viewer was closed by the server before the last line: it read a prefix and then the end.
      for (const viewer of stalled) {
        const got = await viewer.readRest();
        expect(got).toContain('200 OK');
        expect(got).not.toContain(`id: ${seq}\n`);
      }
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      // What an operator sees of it: five viewers dropped; the lines looked for once per post, not per viewer.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^cutover_streams_dropped_total\{stream="program"\} 5$/m);
      expect(metrics).toMatch(/^cutover_streams_opened_total\{stream="program"\} 6$/m);
      const looks = Number(/^cutover_stream_fetches_total (\d+)$/m.exec(metrics)?.[1]);
      expect(looks).toBeGreaterThanOrEqual(8);
      expect(looks).toBeLessThan(8 * 6);
    });

    it('GET /v1/streams/heads: every program\'s head when it opens, then each program that moves; a protected one needs its token', async () => {
      const server = await serving([...(await args()), '--token', 'secret-program=s3cret']);
      const lines = exampleLines();
      await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
      const heads = await follow(`${server.url}/v1/streams/heads?programs=${EXAMPLE_PROGRAM},not-yet-created`);
      await heads.until('"program":"not-yet-created"');
      const events = () => [...heads.text().matchAll(/^event: head\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { program: string; seq: number });
      expect(events()).toEqual([{ program: EXAMPLE_PROGRAM, seq: 7 }, { program: 'not-yet-created', seq: 0 }]);
      expect((await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [blockerAfter(lines, 1)])).status).toBe(201);
      await heads.until(`{"program":"${EXAMPLE_PROGRAM}","seq":8}`);
      expect(events().slice(2)).toEqual([{ program: EXAMPLE_PROGRAM, seq: 8 }]);
      heads.close();

      const refused = await fetch(`${server.url}/v1/streams/heads?programs=${EXAMPLE_PROGRAM},secret-program`);
      expect(refused.status).toBe(401);
      const allowed = await fetch(`${server.url}/v1/streams/heads?programs=secret-program`, { headers: { authorization: 'Bearer s3cret' } });
      expect(allowed.status).toBe(200);
      await allowed.body!.cancel();
      for (const bad of ['', 'UPPER', 'a,,b', Array.from({ length: 501 }, (_, i) => `p${i}`).join(',')]) {
        const answer = await fetch(`${server.url}/v1/streams/heads?programs=${bad}`);
        expect(answer.status).toBe(400);
        expect(((await answer.json()) as { error: { kind: string } }).error.kind).toBe('input');
      }
    });

    it('past --max-streams-per-program and --max-streams: 503 with Retry-After in the documented shape; a closed stream frees its place', async () => {
      const server = await serving([...(await args()), '--max-streams', '3', '--max-streams-per-program', '2']);
      await postLines(server.url, EXAMPLE_PROGRAM, null, exampleLines());
      const url = (id: string) => `${server.url}/v1/programs/${id}/events/stream`;
      const first = await follow(url(EXAMPLE_PROGRAM));
      await follow(url(EXAMPLE_PROGRAM));

      const perProgram = await fetch(url(EXAMPLE_PROGRAM));
      expect(perProgram.status).toBe(503);
      expect(Number(perProgram.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await perProgram.json()) as { error: { kind: string; code: string; message: string; hint: string } };
      expect(body.error).toMatchObject({ kind: 'unavailable', code: 'too-many-streams' });
      expect(body.error.message).toMatch(/--max-streams-per-program/);
      expect(body.error.hint).toMatch(/retry after \d+ seconds/);

      await follow(url('another-program')); // the third stream in total, on another program
      const total = await fetch(url('another-program'));
      expect(total.status).toBe(503);
      expect(((await total.json()) as { error: { message: string } }).error.message).toMatch(/--max-streams\)/);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^cutover_streams_open 3$/m);
      expect(metrics).toMatch(/^cutover_streams_refused_total\{bound="program"\} 1$/m);
      expect(metrics).toMatch(/^cutover_streams_refused_total\{bound="total"\} 1$/m);

      first.close();
      let again = await fetch(url(EXAMPLE_PROGRAM));
      while (again.status === 503) again = await fetch(url(EXAMPLE_PROGRAM)); // until the server has seen the close
      expect(again.status).toBe(200);
      await again.body!.cancel();
    });
  });
}

describe('postgres: an exhausted connection pool', () => {
  it('answers 503 with Retry-After, not 500, while every connection waits; then serves again', async () => {
    const database = await freshDatabase();
    const server = await serving(['--database', database]);
    const lines = exampleLines();
    await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
    // Another session holds the events table: the server's 20 connections all wait on it.
    const blocker = new pg.Client({ connectionString: database });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE cutover.events IN ACCESS EXCLUSIVE MODE');
      const requests = Array.from({ length: 30 }, () => fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events`).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() })));
      // Nothing can be read while the lock is held: the first answer is one that found no free connection.
      const first = await Promise.race(requests);
      expect(first.status).toBe(503);
      await blocker.query('ROLLBACK');
      const all = await Promise.all(requests);
      const busy = all.filter((a) => a.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      expect(all.filter((a) => a.status !== 503 && a.status !== 200)).toEqual([]);
      for (const a of busy) {
        expect(Number(a.retryAfter)).toBeGreaterThan(0);
        expect(JSON.parse(a.body)).toMatchObject({ error: { kind: 'unavailable', code: 'database-busy' } });
      }
    } finally {
      await blocker.end();
    }
    expect((await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events`)).status).toBe(200);
  });
});

describe('file: two servers on one folder', () => {
  it('a stream on one sees what the other appended (the folder is watched, not re-read per stream)', async () => {
    const data = tempDir();
    const [a, b] = [await serving(['--data', data]), await serving(['--data', data])];
    const lines = exampleLines();
    await postLines(a.url, EXAMPLE_PROGRAM, null, lines);
    const onB = await follow(`${b.url}/v1/programs/${EXAMPLE_PROGRAM}/events/stream`);
    const next = blockerAfter(lines, 1);
    expect((await postLines(a.url, EXAMPLE_PROGRAM, headOf(lines), [next])).status).toBe(201);
    expect(await onB.until('id: 8\n')).toContain(`id: 8\nevent: line\ndata: ${next}\n\n`);
    onB.close();
  });
});
