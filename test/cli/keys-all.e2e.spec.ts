/** `keys generate --all`: one key per role that has none, each public key written into cutover.yaml. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutover, tempDir } from '../support/cli.js';

const ROLES = ['memorykernel-incident-commander', 'assistsupport-incident-commander', 'memorykernel-release-owner', 'assistsupport-runtime-owner', 'integration-program-owner'];

function initProgram(): { dir: string; env: { HOME: string; CUTOVER_HOME: string } } {
  const dir = tempDir();
  const env = { HOME: tempDir(), CUTOVER_HOME: tempDir() };
  const init = cutover(['-C', dir, 'init', '--producer', 'MemoryKernel', '--consumer', 'AssistSupport', '--contract', 'service.v3'], { env });
  expect(init.code, init.stderr).toBe(0);
  return { dir, env };
}

describe('keys generate --all', () => {
  it('on the init template: a key for each of the five roles, written into cutover.yaml with every comment and line kept; program define accepts it', () => {
    const { dir, env } = initProgram();
    const before = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
    const run = cutover(['-C', dir, 'keys', 'generate', '--all'], { env });
    expect(run.code, run.stderr).toBe(0);
    const printed = run.stdout.trimEnd().split('\n').map((l) => l.split(' '));
    expect(printed.map(([role]) => role)).toEqual(ROLES);
    for (const [role] of printed) {
      const pem = join(env.CUTOVER_HOME, 'keys', 'memorykernel-service-v3', `${role}.pem`);
      expect(statSync(pem).mode & 0o777).toBe(0o600);
    }
    expect(run.stderr).toContain('next: cutover program define --as integration-program-owner');

    const after = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
    const a = before.split('\n');
    const b = after.split('\n');
    expect(b).toHaveLength(a.length);
    const changed = a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]]]));
    expect(changed).toEqual(printed.map(([, key]) => ['    keys: []', `    keys: ["${key}"]`]));
    expect(after.split('\n').filter((l) => l.trimStart().startsWith('#'))).toEqual(before.split('\n').filter((l) => l.trimStart().startsWith('#')));

    const define = cutover(['-C', dir, 'program', 'define', '--as', 'integration-program-owner'], { env });
    expect(define.code, define.stderr).toBe(0);
    expect(define.stderr).not.toContain('no keys');
    const verdict = cutover(['-C', dir, 'verdict', 'rehearsal-continuation', 'GO', '--as', 'assistsupport-runtime-owner'], { env });
    expect(verdict.code, verdict.stderr).toBe(0);
  });

  it('run again, it finds nothing to do and changes nothing', () => {
    const { dir, env } = initProgram();
    expect(cutover(['-C', dir, 'keys', 'generate', '--all'], { env }).code).toBe(0);
    const once = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
    const again = cutover(['-C', dir, 'keys', 'generate', '--all'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('every role in');
    expect(readFileSync(join(dir, 'cutover.yaml'), 'utf8')).toBe(once);
  });

  it('on a defined program, a new role gets its key and the command prints the program amend that records it', () => {
    const { dir, env } = initProgram();
    expect(cutover(['-C', dir, 'keys', 'generate', '--all'], { env }).code).toBe(0);
    expect(cutover(['-C', dir, 'program', 'define', '--as', 'integration-program-owner'], { env }).code).toBe(0);
    const yaml = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
    const role = '  - id: memorykernel-security-owner\n    title: MemoryKernel Security Owner\n    party: memorykernel\n    duties: [approver, security]\n    keys: []  # filled by keys generate --all\n';
    writeFileSync(join(dir, 'cutover.yaml'), yaml.replace('  # A second approver', `${role}  # A second approver`));

    const run = cutover(['-C', dir, 'keys', 'generate', '--all'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^memorykernel-security-owner ed25519:\S+\n$/);
    const amend = 'cutover program amend --reason "keys for memorykernel-security-owner" --as integration-program-owner';
    expect(run.stderr).toContain(amend);
    expect(readFileSync(join(dir, 'cutover.yaml'), 'utf8')).toContain(`    keys: ["${run.stdout.trim().split(' ')[1]}"]  # filled by keys generate --all\n`);

    const status = cutover(['-C', dir, 'status'], { env });
    expect(status.stdout).toContain('differs from the definition in force');
    const amended = cutover(['-C', dir, 'program', 'amend', '--reason', 'keys for memorykernel-security-owner', '--as', 'integration-program-owner'], { env });
    expect(amended.code, amended.stderr).toBe(0);
    expect(cutover(['-C', dir, 'status'], { env }).stdout).not.toContain('differs from the definition in force');
  });

  it('needs --role or --all, and --all takes neither --role nor --out (exit 2, nothing written)', () => {
    const { dir, env } = initProgram();
    const before = readFileSync(join(dir, 'cutover.yaml'), 'utf8');
    const neither = cutover(['-C', dir, 'keys', 'generate'], { env });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--role <role>');
    expect(neither.stderr).toContain('or --all');
    expect(cutover(['-C', dir, 'keys', 'generate', '--all', '--role', 'memorykernel-release-owner'], { env }).code).toBe(2);
    expect(cutover(['-C', dir, 'keys', 'generate', '--all', '--out', join(tempDir(), 'k.pem')], { env }).code).toBe(2);
    expect(readFileSync(join(dir, 'cutover.yaml'), 'utf8')).toBe(before);
    expect(existsSync(join(env.CUTOVER_HOME, 'keys'))).toBe(false);
  });
});
