/**
 * The verified checkpoint: reads cost what is new since the last command, and the checkpoint never
 * hides tampering.
 */
import { createHash } from 'node:crypto';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openVerifiedLedger } from '../../src/app/folder-ledger.js';
import { openProgram } from '../../src/app/workspace.js';
import { LedgerVerificationError } from '../../src/errors.js';
import { checkpointPath } from '../../src/store/checkpoint.js';
import { copyOfExample, cutover, EXAMPLE, forgeEvent, tempDir } from '../support/cli.js';

function program() {
  const dir = copyOfExample();
  const cacheDir = tempDir();
  return { dir, cacheDir, ledger: join(dir, '.cutover/ledger.jsonl') };
}

describe('the verified checkpoint', () => {
  it('the first read verifies everything; the next reads nothing while the file is unchanged', async () => {
    const { ledger, cacheDir } = program();
    const first = await openVerifiedLedger(ledger, { cacheDir });
    expect(first.read).toBe('full');
    const second = await openVerifiedLedger(ledger, { cacheDir });
    expect(second.read).toBe('checkpoint');
    expect(second.state).toEqual(first.state);
    expect(second.last).toEqual(first.last);
  });

  it('after an outside append (a git pull), only the new lines are verified, and the state is the one a full read gives', async () => {
    const { dir, ledger, cacheDir } = program();
    await openVerifiedLedger(ledger, { cacheDir });
    forgeEvent(dir, 'memorykernel-release-owner', { type: 'verdict.cast', data: { decision: 'runtime-cutover', party: 'memorykernel', verdict: 'NO-GO', target: null, note: 'pulled' } }, '2026-02-09T10:00:00.000Z');
    const since = await openVerifiedLedger(ledger, { cacheDir });
    expect(since.read).toBe('since-checkpoint');
    const full = await openVerifiedLedger(ledger, { cacheDir: tempDir() });
    expect(since.state).toEqual(full.state);
    expect(since.state.seq).toBe(8);
  });

  it('moves forward with an append by this tool: the next read needs nothing from the file', async () => {
    const { dir, cacheDir } = program();
    const ws = await openProgram(dir, { cacheDir });
    const before = ws.state.seq;
    const other = copyOfExample();
    forgeEvent(other, 'memorykernel-release-owner', { type: 'verdict.cast', data: { decision: 'runtime-cutover', party: 'memorykernel', verdict: 'NO-GO', target: null, note: 'appended' } }, '2026-02-09T10:00:00.000Z');
    const event = JSON.parse(readFileSync(join(other, '.cutover/ledger.jsonl'), 'utf8').trimEnd().split('\n').at(-1)!);
    await ws.program.append([event]);
    const after = ws.program;
    expect(after.state.seq).toBe(before + 1);
    const reopened = await openVerifiedLedger(ws.ledgerSource, { cacheDir });
    expect(reopened.read).toBe('checkpoint');
    expect(reopened.state).toEqual(after.state);
  });

  it('one edited byte before the offset (mtime put back) means a full verify that names the bad line: the checkpoint never hides tampering', async () => {
    const { ledger, cacheDir } = program();
    await openVerifiedLedger(ledger, { cacheDir });
    const bytes = readFileSync(ledger);
    const at = bytes.indexOf('"NO-GO"');
    bytes[at + 1] = 'M'.charCodeAt(0);
    writeFileSync(ledger, bytes);
    utimesSync(ledger, new Date('2026-02-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'));
    const error = await openVerifiedLedger(ledger, { cacheDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerVerificationError);
    expect((error as LedgerVerificationError).line).toBeGreaterThan(0);
  });

  it('status through the CLI: exit 3 naming the line after an edit, with a note that the checkpoint no longer matches', () => {
    const { dir, ledger, cacheDir } = program();
    const env = { CUTOVER_CACHE: cacheDir };
    expect(cutover(['-C', dir, 'status'], { env }).code).toBe(0);
    const lines = readFileSync(ledger, 'utf8').split('\n');
    lines[4] = lines[4]!.replace('"NO-GO"', '"MO-GO"');
    writeFileSync(ledger, lines.join('\n'));
    const run = cutover(['-C', dir, 'status'], { env });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no longer matches the file');
    expect(run.stderr).toMatch(/ledger\.jsonl:5: seq 5/);
  });

  it('a truncated or corrupt checkpoint is ignored with a note, and the ledger is verified in full', async () => {
    const { dir, ledger, cacheDir } = program();
    await openVerifiedLedger(ledger, { cacheDir });
    const path = checkpointPath(cacheDir, ledger);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length / 2));
    const truncated = await openVerifiedLedger(ledger, { cacheDir });
    expect(truncated.read).toBe('full');
    expect(truncated.note).toMatch(/checkpoint .* is corrupt/);
    const { digest: _digest, ...value } = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...value, state: { ...value.state, seq: 99 }, blocks: ['0'.repeat(64)], digest: _digest }));
    const wrong = await openVerifiedLedger(ledger, { cacheDir });
    expect(wrong.read).toBe('full');
    expect(wrong.state.seq).toBe(7);
    const other = { ...value, version: 99 };
    writeFileSync(path, JSON.stringify({ ...other, digest: createHash('sha256').update(JSON.stringify(other)).digest('hex') }));
    expect((await openVerifiedLedger(ledger, { cacheDir })).note).toMatch(/another format version/);
    writeFileSync(path, JSON.stringify({ ...other, digest: createHash('sha256').update(JSON.stringify(other)).digest('hex') }));
    const run = cutover(['-C', dir, 'status'], { env: { CUTOVER_CACHE: cacheDir } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/note: the checkpoint .* another format version/);
  });

  it('the example itself is never written to by a read', () => {
    const before = readFileSync(join(EXAMPLE, '.cutover/ledger.jsonl'));
    expect(cutover(['-C', EXAMPLE, 'status']).code).toBe(0);
    expect(readFileSync(join(EXAMPLE, '.cutover/ledger.jsonl'))).toEqual(before);
  });
});
