// CUTOVER_NO_MINIFY=1 keeps names readable for profiling (node --cpu-prof).
// Bundles the CLI into dist/bundle/ (one file per entry, shared chunks), so start-up does not pay
// for resolving and loading ~60 modules one by one. `tsc` still emits dist/ for the library and tests.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The fold's identity: a checkpoint's folded state is only reused by a build whose domain code
// (events, state, evolve) is exactly the one that folded it.
const domain = fileURLToPath(new URL('../src/domain', import.meta.url));
const fold = createHash('sha256');
for (const name of readdirSync(domain).sort()) fold.update(name).update(readFileSync(join(domain, name)));

// commander requires node:child_process as it loads, for executable subcommands, which cutover does
// not have: loading it cost every command about 2 ms of start-up. It is required when first used instead.
const commanderSpawnsLazily = {
  name: 'commander-spawns-lazily',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      // A commander that loads it otherwise: fail the build rather than ship it unnoticed.
      if (!text.includes(eager)) throw new Error(`${args.path}: expected "${eager}"; update scripts/bundle.js`);
      return { contents: text.replace(eager, "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"), loader: 'js' };
    });
  },
};

// Chunk names carry content hashes: clear the folder, so no chunk of an older build is left to ship.
rmSync(fileURLToPath(new URL('../dist/bundle', import.meta.url)), { recursive: true, force: true });

await build({
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  entryPoints: { main: 'src/cli/main.ts', 'check-worker': 'src/ledger/check-worker.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  minify: process.env.CUTOVER_NO_MINIFY !== "1",
  sourcemap: 'linked',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  define: { __CUTOVER_FOLD__: JSON.stringify(fold.digest('hex').slice(0, 16)) },
  plugins: [commanderSpawnsLazily],
  // commander is CommonJS; give its require() calls a real require in the ESM bundle.
  banner: { js: "import { createRequire as __cutoverRequire } from 'node:module'; const require = __cutoverRequire(import.meta.url);" },
});

// The dashboard's page script and styles (src/dashboard/), for browsers: served by `cutover serve`
// from dist/dashboard/. No framework; the README states their gzipped size.
await build({
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  entryPoints: [{ in: 'src/dashboard/live.ts', out: 'app' }, { in: 'src/dashboard/style.css', out: 'app' }],
  outdir: 'dist/dashboard',
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  logLevel: 'warning',
});
