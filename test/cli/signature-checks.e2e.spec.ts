/**
 * The built `verify` says the same of a ledger whichever check its signatures get
 * (src/ledger/strict-ed25519.ts): libsodium first once 64 have been checked (no setting), libsodium
 * first from the first line (`CUTOVER_ED25519=libsodium`, the suite's own setting), or OpenSSL alone
 * (`openssl`). On a ledger long enough to be checked on worker threads too, as it was written and with
 * a line whose signature or text was changed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOfExample, cutover, ledgerOf } from '../support/cli.js';
import { blockerWriter } from '../support/server.js';
import { canonicalJson, sha256Hex } from '../../src/ledger/canonical.js';

const SETTINGS = ['', 'libsodium', 'openssl'] as const;

/** `verify` under each setting, on one and on two threads: every answer, to compare. */
function verifyEverywhere(dir: string): { setting: string; threads: string; code: number; stdout: string; stderr: string }[] {
  return SETTINGS.flatMap((setting) =>
    ['1', '2'].map((threads) => ({ setting, threads, ...cutover(['-C', dir, 'verify', '--threads', threads], { env: { CUTOVER_ED25519: setting } }) })),
  );
}

let lines: string[];

type LedgerLine = Record<string, unknown> & { sig: { key: string; value: string }; data: Record<string, unknown> };

/** The example program holding `ledger` (a fresh folder for each test). */
function programWith(ledger: readonly string[]): string {
  const dir = copyOfExample();
  writeFileSync(join(dir, '.cutover/ledger.jsonl'), ledger.join('\n') + '\n');
  return dir;
}

beforeAll(() => {
  const example = ledgerOf(copyOfExample()).trimEnd().split('\n');
  // About 3 MiB: past the size from which `verify` checks on workers as well as this thread.
  const writer = blockerWriter(example, 2000);
  lines = [...example, ...Array.from({ length: 1200 }, () => writer.next())];
});

describe('verify, with libsodium first or OpenSSL alone', () => {
  it('accepts the ledger as written, with the same words, under every setting and thread count', () => {
    const runs = verifyEverywhere(programWith(lines));
    for (const run of runs) {
      expect(run.code, `${run.setting || 'default'}, ${run.threads} threads: ${run.stderr}`).toBe(0);
      expect(run.stdout).toBe(runs[0]!.stdout);
    }
    expect(runs[0]!.stdout).toContain(`ok: ${lines.length} events`);
  });

  it.each([
    ['a signature made with another key', 1001, (event: LedgerLine) => {
      const other = generateKeyPairSync('ed25519').privateKey;
      return { ...event, sig: { ...event.sig, value: sign(null, Buffer.from(JSON.stringify(event), 'utf8'), other).toString('base64') } };
    }],
    ['its text changed', 601, (event: LedgerLine) => ({ ...event, data: { ...event.data, text: String(event.data.text).replace('blocker', 'Blocker') } })],
  ])('refuses a line with %s, at that line and in the same words, under every setting and thread count', (_what, index, change) => {
    const changed = [...lines];
    // Hashed again, as by someone who knows the format: only the signature can give the change away.
    const { hash: _old, ...edited }: LedgerLine = change(JSON.parse(lines[index]!) as LedgerLine);
    changed[index] = canonicalJson({ ...edited, hash: `sha256:${sha256Hex(canonicalJson(edited))}` });
    const runs = verifyEverywhere(programWith(changed));
    for (const run of runs) {
      expect(run.code, `${run.setting || 'default'}, ${run.threads} threads`).toBe(3);
      expect(run.stderr).toBe(runs[0]!.stderr);
    }
    expect(runs[0]!.stderr).toContain(`ledger.jsonl:${index + 1}: seq ${index + 1} `);
    expect(runs[0]!.stderr).toContain('the signature does not verify with key');
  });

  it('refuses a setting it does not know, before anything is read: exit 2 naming the variable, what it takes and what it found', () => {
    for (const setting of ['OpenSSL', 'sodium']) {
      const run = cutover(['-C', programWith(lines), 'verify'], { env: { CUTOVER_ED25519: setting } });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`CUTOVER_ED25519: expected openssl or libsodium, or unset (libsodium first once 64 signatures are checked), found "${setting}"`);
      expect(run.stdout).toBe('');
    }
  });
});
