/**
 * Sync into an empty ledger takes only the program this side's cutover.yaml defines (issue 16,
 * item 6): another copy with the same program id and keys of its own is refused with exit 2.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, cutover, EXAMPLE, tempDir } from '../support/cli.js';
import { snapshot } from '../support/snapshot.js';

const LOG_OWNER = 'integration-program-owner';

/** A copy of the example program with an empty ledger. */
function emptyCopy(): string {
  const dir = tempDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  rmSync(join(dir, '.cutover'), { recursive: true });
  return dir;
}

describe('sync into an empty ledger', () => {
  it('refuses a copy defined with other keys for the same program id, and changes nothing', () => {
    const impostor = emptyCopy();
    const keys = tempDir();
    const generated = cutover(['-C', impostor, 'keys', 'generate', '--role', LOG_OWNER, '--out', join(keys, 'owner.pem')]);
    expect(generated.code).toBe(0);
    const key = /ed25519:[A-Za-z0-9+/]{43}=/.exec(generated.stdout)![0];
    const yaml = readFileSync(join(impostor, 'cutover.yaml'), 'utf8');
    const owner = yaml.indexOf(`id: ${LOG_OWNER}`);
    const keyAt = yaml.indexOf('ed25519:', owner);
    writeFileSync(join(impostor, 'cutover.yaml'), yaml.slice(0, keyAt) + key + yaml.slice(keyAt + key.length));
    expect(cutover(['-C', impostor, 'program', 'define', '--as', LOG_OWNER, '--key', join(keys, 'owner.pem'), '--at', '2026-02-01T00:00:00Z']).code).toBe(0);

    const victim = emptyCopy();
    const before = snapshot(victim);
    const sync = cutover(['-C', victim, 'sync', '--from', impostor]);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain('program.defined data.digest');
    expect(snapshot(victim)).toEqual(before);
    // The genuine owner can still define the program.
    expect(cutover(['-C', victim, 'program', 'define', ...as(LOG_OWNER, '2026-02-01T00:00:00Z')]).code).toBe(0);
  });

  it('takes the genuine copy, and one amended since when its first event is signed by a key this cutover.yaml holds', () => {
    expect(cutover(['-C', emptyCopy(), 'sync', '--from', EXAMPLE]).code).toBe(0);
    const amended = tempDir();
    cpSync(EXAMPLE, amended, { recursive: true });
    writeFileSync(join(amended, 'cutover.yaml'), readFileSync(join(amended, 'cutover.yaml'), 'utf8').replace(/^(program:\n  id: .*\n  title: .*)$/m, '$1 (amended)'));
    expect(cutover(['-C', amended, 'program', 'amend', '--reason', 'title', ...as(LOG_OWNER, '2026-02-09T09:00:00Z')]).code).toBe(0);
    const joiner = emptyCopy();
    cpSync(join(amended, 'cutover.yaml'), join(joiner, 'cutover.yaml'));
    const sync = cutover(['-C', joiner, 'sync', '--from', amended]);
    expect(sync.stderr).toBe('');
    expect(sync.code).toBe(0);
  });
});
