/** `keys show`: the public key of a key that exists, to paste into cutover.yaml (or check it is there). */
import { expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { as, copyOfExample, cutover, demoKey, tempDir } from '../support/cli.js';

it('keys show prints the public key keys generate printed, and whether the role lists it', () => {
  const program = copyOfExample();
  const env = { HOME: tempDir(), CUTOVER_HOME: tempDir() };
  const generated = cutover(['-C', program, 'keys', 'generate', '--role', 'memorykernel-release-owner'], { env });
  expect(generated.code).toBe(0);
  const shown = cutover(['-C', program, 'keys', 'show', '--role', 'memorykernel-release-owner'], { env });
  expect(shown.code).toBe(0);
  expect(shown.stdout).toBe(generated.stdout);
  expect(shown.stderr).toContain('is not in roles[id=memorykernel-release-owner].keys of cutover.yaml yet');

  const demo = cutover(['-C', program, 'keys', 'show', '--role', 'memorykernel-release-owner', '--key', demoKey('memorykernel-release-owner')], { env });
  expect(demo.stderr).toContain('is one of its keys in cutover.yaml');
  expect(cutover(['-C', program, 'keys', 'show', '--role', 'nobody'], { env }).code).toBe(2);
});

it('program define and program amend warn about roles with no keys, on stderr, and still record', () => {
  const program = copyOfExample();
  const yaml = readFileSync(join(program, 'cutover.yaml'), 'utf8');
  // Drop the incident commanders' keys (they sign nothing in this test).
  const keyless = yaml.replace(/(- id: (memorykernel|assistsupport)-incident-commander\n(?:    .*\n)*?    keys:)(?: \[[^\]]*\]|\n(?:      - .*\n)+)/g, '$1 []\n');
  expect(keyless).not.toBe(yaml);
  writeFileSync(join(program, 'cutover.yaml'), keyless);
  const amend = cutover(['-C', program, 'program', 'amend', '--reason', 'commanders get keys later', ...as('integration-program-owner', '2026-02-09T09:00:00Z')]);
  expect(amend.code, amend.stderr).toBe(0);
  expect(amend.stdout).toContain('program.amended');
  expect(amend.stderr).toContain('warning: roles with no keys in');
  expect(amend.stderr).toContain('memorykernel-incident-commander, assistsupport-incident-commander');

  const fresh = tempDir();
  writeFileSync(join(fresh, 'cutover.yaml'), keyless);
  const define = cutover(['-C', fresh, 'program', 'define', ...as('integration-program-owner', '2026-02-09T09:00:00Z')]);
  expect(define.code, define.stderr).toBe(0);
  expect(define.stdout).toContain('program.defined');
  expect(define.stderr).toContain('memorykernel-incident-commander, assistsupport-incident-commander');
  // With every role keyed, nothing to warn about.
  const keyedDir = tempDir();
  writeFileSync(join(keyedDir, 'cutover.yaml'), yaml);
  const keyed = cutover(['-C', keyedDir, 'program', 'define', ...as('integration-program-owner', '2026-02-09T09:00:00Z')]);
  expect(keyed.code, keyed.stderr).toBe(0);
  expect(keyed.stderr).not.toContain('no keys');
});
