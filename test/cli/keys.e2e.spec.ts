/** `keys show`: the public key of a key that exists, to paste into cutover.yaml (or check it is there). */
import { expect, it } from 'vitest';
import { copyOfExample, cutover, demoKey, tempDir } from '../support/cli.js';

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
