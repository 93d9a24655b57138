/**
 * Installing cutover from git, as the CI recipe does: from a git+file:// URL of a fresh clone (the
 * committed HEAD), npm clones it, installs its dependencies, builds on prepare and packs it; the
 * tarball is installed into a temporary global prefix and the installed `cutover --version` runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { scratch } from '../support/git.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function npm(cwd: string, args: string[]): string {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

// npm installs every devDependency from its cache to build on prepare: minutes on a busy machine.
it('installs globally from a git URL of a fresh clone, and the installed cutover prints its version', { timeout: 600_000 }, () => {
  const root = scratch('cutover-install-');
  const clone = join(root, 'clone');
  execFileSync('git', ['clone', '--quiet', ROOT, clone]);
  const prefix = join(root, 'prefix');

  npm(root, ['pack', `git+file://${clone}`]);
  const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'))!;
  expect(tarball).toBe(`cutover-${version}.tgz`);
  const files = execFileSync('tar', ['tzf', join(root, tarball)], { encoding: 'utf8' }).split('\n');
  expect(files).toContain('package/LICENSE');
  expect(files).toContain('package/dist/bundle/main.js');
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);

  npm(root, ['install', '--global', '--prefix', prefix, join(root, tarball)]);
  const installed = spawnSync(join(prefix, 'bin', 'cutover'), ['--version'], { encoding: 'utf8' });
  expect(installed.status).toBe(0);
  expect(installed.stdout.trim()).toBe(version);
});
