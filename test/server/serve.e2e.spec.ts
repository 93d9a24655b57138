import { afterEach, describe, expect, it } from 'vitest';
import { signerFromPem, generateKeyPair } from '../../src/ledger/keys.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import type { LedgerEvent } from '../../src/domain/events.js';
import { copyOfExample, cutover, tempDir } from '../support/cli.js';
import { freshDatabase } from '../support/postgres.js';
import { blockerAfter, eventsOf, EXAMPLE_PROGRAM, exampleLines, headOf, postLines, postRaw, recordedAfter, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

/** The two ways a server starts: a folder of file ledgers, and PostgreSQL (a database of its own per test). */
const backends: [string, () => Promise<string[]>][] = [
  ['file', async () => ['--data', tempDir()]],
  ['postgres', async () => ['--database', await freshDatabase()]],
];

async function serving(args: string[]): Promise<RunningServer> {
  const server = await startServer(args);
  running.push(server);
  return server;
}

for (const [backend, args] of backends) {
  describe(`${backend}: cutover serve`, () => {
    it('takes the example ledger, serves it byte-identical, and answers status exactly as status --json', async () => {
      const server = await serving(await args());
      const lines = exampleLines();
      const created = await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
      expect(created).toEqual({ status: 201, body: { program: EXAMPLE_PROGRAM, seq: lines.length, head: headOf(lines) } });
      expect(await eventsOf(server.url, EXAMPLE_PROGRAM)).toBe(lines.map((l) => l + '\n').join(''));

      const at = '2026-02-09T12:00:00.000Z';
      const response = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status?at=${at}`);
      expect(response.headers.get('etag')).toBe(`"${headOf(lines)}"`);
      expect(await response.text()).toBe(cutover(['-C', copyOfExample(), 'status', '--json', '--at', at]).stdout);

      const list = (await (await fetch(`${server.url}/v1/programs`)).json()) as { programs: { id: string; nextPhase: string; decisions: { id: string; outcome: string }[] }[] };
      expect(list.programs.map((p) => [p.id, p.nextPhase, p.decisions.find((d) => d.id === 'runtime-cutover')?.outcome])).toEqual([[EXAMPLE_PROGRAM, '8', 'NO-GO']]);
      const gate = (await (await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/gate/runtime-cutover`)).json()) as { decision: { outcome: string }; blockers: unknown[] };
      expect(gate.decision.outcome).toBe('NO-GO');
      expect(gate.blockers.length).toBeGreaterThan(0);
    });

    it('refuses bad requests with a 4xx naming what is wrong, and writes nothing', async () => {
      const server = await serving([...(await args()), '--body-limit', '200000']);
      const lines = exampleLines();
      await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
      const head = headOf(lines);
      const before = await eventsOf(server.url, EXAMPLE_PROGRAM);
      const next = blockerAfter(lines, 1);
      const refusals: [string, Promise<{ status: number; body: any }>, number, RegExp][] = [
        ['malformed JSON', postRaw(server.url, EXAMPLE_PROGRAM, '{"expectedHead": '), 400, /not valid JSON/],
        ['an oversized body', postLines(server.url, EXAMPLE_PROGRAM, head, [next, 'x'.repeat(300_000)]), 413, /body/i],
        ['too deep JSON', postRaw(server.url, EXAMPLE_PROGRAM, '['.repeat(100) + ']'.repeat(100)), 400, /nests 100 levels/],
        ['no lines', postLines(server.url, EXAMPLE_PROGRAM, head, []), 400, /lines/],
        ['an event for another program', postLines(server.url, 'other-program', null, [lines[0]!]), 422, /belongs to program "memorykernel-service-v3", posted to program "other-program"/],
        ['a replayed event', postLines(server.url, EXAMPLE_PROGRAM, head, [lines[3]!]), 422, /seq 4 appears a second time|expected seq 8, found seq 4/],
        ['a forged signature', postLines(server.url, EXAMPLE_PROGRAM, head, [next.replace('blocker 1', 'blocker X')]), 422, /content does not match its hash|signature/],
        ['a stale head', postLines(server.url, EXAMPLE_PROGRAM, headOf(lines.slice(0, 6)), [next]), 409, /expected head sha256:.*found sha256:/],
      ];
      for (const [what, answer, status, message] of refusals) {
        const { status: got, body } = await answer;
        expect({ what, status: got }).toEqual({ what, status });
        expect(body.error.message, what).toMatch(message);
      }
      expect(await eventsOf(server.url, EXAMPLE_PROGRAM)).toBe(before);
      expect(await eventsOf(server.url, 'other-program')).toBe('');
      const stale = await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines.slice(0, 6)), [next]);
      expect(stale.body.head).toEqual({ seq: lines.length, hash: head });
      expect((await postLines(server.url, EXAMPLE_PROGRAM, head, [next])).status).toBe(201);
    });

    it('a signature by a key no role holds is refused as the CLI would refuse it', async () => {
      const server = await serving(await args());
      const lines = exampleLines();
      await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
      const last = JSON.parse(lines[lines.length - 1]!) as LedgerEvent;
      const stranger = signerFromPem(generateKeyPair().privateKeyPem);
      const forged = serialize(seal({ type: 'blocker.raised', actor: 'integration-program-owner', data: { id: 'X', text: 'x', owner: 'integration-program-owner', due: '2026-03-01' } } as never, { program: EXAMPLE_PROGRAM, seq: last.seq + 1, at: '2026-02-09T00:00:00.000Z', prev: last.hash }, stranger));
      const answer = await postLines(server.url, EXAMPLE_PROGRAM, last.hash, [forged]);
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ kind: 'ledger', code: 'ledger-verification' });
      expect(answer.body.error.message).toMatch(/unknown-key: signed by ed25519:.* which no role holds/);
    });

    it('a hand-signed phase.started for Phase 8 is refused with 422 naming the unmet gates, and nothing is written', async () => {
      const server = await serving(await args());
      const lines = exampleLines();
      await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
      const last = JSON.parse(lines[lines.length - 1]!) as LedgerEvent;
      const owner = signerFromPem((await import('node:fs')).readFileSync(`${(await import('../support/cli.js')).DEMO_KEYS}/integration-program-owner.pem`, 'utf8'));
      const phase8 = serialize(seal({ type: 'phase.started', actor: 'integration-program-owner', data: { phase: '8' } } as never, { program: EXAMPLE_PROGRAM, seq: last.seq + 1, at: '2026-02-09T00:00:00.000Z', prev: last.hash }, owner));
      const answer = await postLines(server.url, EXAMPLE_PROGRAM, last.hash, [phase8]);
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ kind: 'ledger', code: 'ledger-verification' });
      expect(answer.body.error.message).toMatch(/seq 8 policy: .*Phase 8/s);
      expect(answer.body.error.message.match(/^  - /gm)).toHaveLength(4);
      expect(await eventsOf(server.url, EXAMPLE_PROGRAM)).toBe(lines.map((l) => l + '\n').join(''));
    });

    it('streams new events as server-sent events, and SIGTERM drains and ends the process with 0', async () => {
      const server = await serving(await args());
      const lines = exampleLines();
      await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
      const controller = new AbortController();
      const stream = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/events/stream?from=7`, { signal: controller.signal });
      const reader = stream.body!.getReader();
      let seen = '';
      const next = blockerAfter(lines, 1);
      const read = (async () => {
        while (!seen.includes(`id: 8\n`)) seen += new TextDecoder().decode((await reader.read()).value);
      })();
      await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [next]);
      await read;
      expect(seen).toContain(`id: 7\nevent: line\ndata: ${lines[6]}\n\n`);
      expect(seen).toContain(`id: 8\nevent: line\ndata: ${next}\n\n`);
      controller.abort();
      expect(await server.stop('SIGTERM')).toBe(0);
    });
  });
}

describe('cutover serve: the recorded command a server would accept', () => {
  it('a verdict decided by the domain and signed with the demo key is accepted', async () => {
    const server = await serving(['--data', tempDir()]);
    const lines = exampleLines();
    await postLines(server.url, EXAMPLE_PROGRAM, null, lines);
    const verdict = recordedAfter(lines, { type: 'cast-verdict', actor: 'memorykernel-release-owner', at: '2026-02-09T00:00:00.000Z', decision: 'rehearsal-continuation', verdict: 'GO' });
    expect((await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [verdict])).status).toBe(201);
  });
});
