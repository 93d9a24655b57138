// Makes the V8 code cache of the bundled CLI's chunks (see src/cli/code-cache.ts); scripts/bundle.js
// runs it in a process of its own once the chunks are written, with the Node that builds: a cache
// holds the functions compiled when it is made, so this runs the read commands first (each twice:
// once verifying every line, once from the checkpoint that leaves), --version and help, on a copy
// of the example, then writes the cache of every chunk they loaded. A chunk none of them loads
// (a recording command's, the server's) has no cache and compiles as it did without one.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const scratch = mkdtempSync(join(tmpdir(), 'cutover-code-cache-'));
try {
  const example = join(scratch, 'example');
  cpSync(fileURLToPath(new URL('../examples/memorykernel-service-v3', import.meta.url)), example, { recursive: true });
  // Checkpoints go to the scratch folder, not the cache of whoever builds.
  process.env.CUTOVER_CACHE = join(scratch, 'cache');
  const { main, writeCodeCache } = await import('../dist/bundle/main.js');
  const io = { stdout: () => {}, stderr: () => {}, env: process.env, now: () => new Date(), cwd: example, stdoutIsTTY: false };
  const reads = [
    ['status'], ['status', '--json'], ['gate', 'rehearsal-continuation'], ['gate', 'runtime-cutover'],
    ['render', '--record', 'producer-decision-record'], ['render', '--record', 'consumer-decision-record'],
    ['log'], ['log', '--json'], ['verify'], ['verify', '--json'],
  ];
  for (const args of [...reads, ...reads, ['--version'], ['--help']]) {
    const code = await main(args, io);
    // gate runtime-cutover is NO-GO on the example (exit 1); anything else means the run taught less than it should.
    if (code !== 0 && !(args[0] === 'gate' && code === 1)) process.stderr.write(`code cache: cutover ${args.join(' ')} exited ${code} on the example\n`);
  }
  process.stdout.write(`code cache: ${writeCodeCache().length} chunks\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
