/**
 * One limit on text, in admission (issue 21, item 11): a program at cutover.yaml version 3 admits no
 * line with a string over 10,000 characters, however it was written - a hand-signed line fails
 * `verify`, a server refuses to store it. A program at version 1 or 2 keeps verifying the lines it
 * holds, as it always did.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { as, copyOfExample, cutover, forgeEvent, ledgerOf, tempDir } from '../support/cli.js';
import { EXAMPLE_PROGRAM, postLines, startServer, type RunningServer } from '../support/server.js';

const LOG_OWNER = 'integration-program-owner';
const AT = '2026-02-09T10:00:00.000Z';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

/** The example program amended to cutover.yaml version 3. */
function atVersion3(): string {
  const dir = copyOfExample();
  const yaml = join(dir, 'cutover.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^version: 1$/m, 'version: 3'));
  expect(cutover(['-C', dir, 'program', 'amend', '--reason', 'version 3', ...as(LOG_OWNER, '2026-02-09T09:00:00Z')]).code).toBe(0);
  return dir;
}

const blocker = (text: string) => ({ type: 'blocker.raised', data: { id: 'B-9', text, owner: LOG_OWNER, due: '2026-03-01' } }) as const;

describe('the text limit, in admission', () => {
  it('at version 3, verify refuses a hand-signed line holding 10,001 characters, naming the field; 10,000 are fine', () => {
    const ok = atVersion3();
    forgeEvent(ok, LOG_OWNER, blocker('x'.repeat(10_000)), AT);
    expect(cutover(['-C', ok, 'verify']).code).toBe(0);

    const over = atVersion3();
    forgeEvent(over, LOG_OWNER, blocker('x'.repeat(10_001)), AT);
    const run = cutover(['-C', over, 'verify']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('seq 9');
    expect(run.stderr).toMatch(/data\.text: expected at most 10,000 characters .*found 10,001 characters/);
  });

  it('a ledger at version 1 that holds a longer text keeps verifying, as before', () => {
    const dir = copyOfExample();
    forgeEvent(dir, LOG_OWNER, blocker('x'.repeat(200_000)), AT);
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);
  });

  it('a server refuses to store a 200,000-character note in a version-3 program (422), and stores nothing', async () => {
    const dir = atVersion3();
    const data = tempDir();
    writeFileSync(join(data, `${EXAMPLE_PROGRAM}.jsonl`), ledgerOf(dir));
    const server = await startServer(['--data', data]);
    running.push(server);
    const before = readFileSync(join(data, `${EXAMPLE_PROGRAM}.jsonl`), 'utf8');
    const head = (JSON.parse(before.trimEnd().split('\n').at(-1)!) as { hash: string }).hash;
    const line = forgeEvent(dir, LOG_OWNER, blocker('x'.repeat(200_000)), AT);
    const answer = await postLines(server.url, EXAMPLE_PROGRAM, head, [line]);
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toContain('at most 10,000 characters');
    expect(readFileSync(join(data, `${EXAMPLE_PROGRAM}.jsonl`), 'utf8')).toBe(before);
  });

  it('the CLI refuses the same text before anything is written', () => {
    const dir = atVersion3();
    const before = ledgerOf(dir);
    const run = cutover(['-C', dir, 'blocker', 'raise', '--text', 'x'.repeat(10_001), '--owner', LOG_OWNER, '--due', '2026-03-01', ...as(LOG_OWNER, AT)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('at most 10,000 characters');
    expect(ledgerOf(dir)).toBe(before);
  });
});
