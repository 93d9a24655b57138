/**
 * `pull` into a folder with a cutover.yaml takes only the program that cutover.yaml defines, as
 * `sync` does (issue 21, item 5): an impostor's program on a server, with the same id and keys of
 * its own, is refused and nothing is written - also once the impostor amends to the victim's
 * exact cutover.yaml.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { as, cutover, EXAMPLE, tempDir } from '../support/cli.js';
import { EXAMPLE_PROGRAM, startServer, type RunningServer } from '../support/server.js';
import { snapshot } from '../support/snapshot.js';

const LOG_OWNER = 'integration-program-owner';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

/** A copy of the example program with an empty ledger. */
function emptyCopy(): string {
  const dir = tempDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  rmSync(join(dir, '.cutover'), { recursive: true });
  return dir;
}

/** The example's cutover.yaml with the decision-log owner's key replaced by one the attacker holds; returns the key file. */
function impostorOf(dir: string): string {
  const keyFile = join(tempDir(), 'owner.pem');
  const generated = cutover(['-C', dir, 'keys', 'generate', '--role', LOG_OWNER, '--out', keyFile]);
  expect(generated.code).toBe(0);
  const key = /ed25519:[A-Za-z0-9+/]{43}=/.exec(generated.stdout)![0];
  const yaml = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
  const keyAt = yaml.indexOf('ed25519:', yaml.indexOf(`id: ${LOG_OWNER}`));
  writeFileSync(join(dir, 'cutover.yaml'), yaml.slice(0, keyAt) + key + yaml.slice(keyAt + key.length));
  return keyFile;
}

describe('pull into a folder with a cutover.yaml', () => {
  it("refuses an impostor's program with the same id, before and after it amends to the victim's exact cutover.yaml, and writes nothing", async () => {
    const server = await startServer(['--data', tempDir()]);
    running.push(server);
    const impostor = emptyCopy();
    const key = impostorOf(impostor);
    const attacker = ['--as', LOG_OWNER, '--key', key];
    expect(cutover(['-C', impostor, 'program', 'define', ...attacker, '--at', '2026-02-01T00:00:00Z']).code).toBe(0);
    expect(cutover(['-C', impostor, 'push', '--server', server.url]).code).toBe(0);

    const victim = emptyCopy();
    const before = snapshot(victim);
    const pulled = cutover(['-C', victim, 'pull', '--server', server.url, '--program', EXAMPLE_PROGRAM]);
    expect(pulled.stderr).toContain('program.defined data.digest');
    expect(pulled.code).toBe(2);
    expect(snapshot(victim)).toEqual(before);

    // The attacker amends to the victim's cutover.yaml, byte for byte: its first line is still signed by a key the victim never gave.
    cpSync(join(EXAMPLE, 'cutover.yaml'), join(impostor, 'cutover.yaml'));
    expect(cutover(['-C', impostor, 'program', 'amend', '--reason', 'look genuine', ...attacker, '--at', '2026-02-02T00:00:00Z']).code).toBe(0);
    expect(cutover(['-C', impostor, 'push', '--server', server.url]).code).toBe(0);
    const again = cutover(['-C', victim, 'pull', '--server', server.url, '--program', EXAMPLE_PROGRAM]);
    expect(again.stderr).toContain('program.defined data.digest');
    expect(again.code).toBe(2);
    expect(snapshot(victim)).toEqual(before);

    // The genuine owner can still define the program.
    expect(cutover(['-C', victim, 'program', 'define', ...as(LOG_OWNER, '2026-02-01T00:00:00Z')]).code).toBe(0);
  });

  it('takes the genuine program from the server', async () => {
    const server = await startServer(['--data', tempDir()]);
    running.push(server);
    expect(cutover(['-C', EXAMPLE, 'push', '--server', server.url]).code).toBe(0);
    const victim = emptyCopy();
    const pulled = cutover(['-C', victim, 'pull', '--server', server.url]);
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
    expect(readFileSync(join(victim, '.cutover/ledger.jsonl'), 'utf8')).toBe(readFileSync(join(EXAMPLE, '.cutover/ledger.jsonl'), 'utf8'));
  });
});
