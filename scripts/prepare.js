// `prepare` builds dist/ on `npm ci` here, and when npm packs cutover from git (npm installs the clone's
// dependencies, dev ones included, and runs this first).
//
// `npm install --global <git url>` cannot work for a package that builds on prepare: npm prepares the
// clone with the global flag still set (npm_config_global; npm/cli#8440), so the clone's dependencies go
// to the global prefix instead of the clone (`tsc: not found`), and the clone itself is linked into the
// prefix and deleted afterwards. Say so, and how to install from git instead, rather than fail on tsc or
// leave a dangling link behind.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.env.npm_config_global === 'true') {
  process.stderr.write(
    [
      'cutover: npm cannot install a package that builds on prepare straight from git with --global (npm/cli#8440).',
      'Pack it from git, then install the tarball globally:',
      '  npm install --global "$(npm pack <git url> | tail -n 1)"',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const [command, ...args] = [...npm, 'run', 'build'];
const result = spawnSync(command, args, { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
process.exit(result.status ?? 1);
