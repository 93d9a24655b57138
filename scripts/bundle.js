// CUTOVER_NO_MINIFY=1 keeps names readable for profiling (node --cpu-prof).
// Bundles the CLI into dist/bundle/ (one file per entry, shared chunks), so start-up does not pay
// for resolving and loading ~60 modules one by one. `tsc` still emits dist/ for the library and tests.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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
  // commander is CommonJS; give its require() calls a real require in the ESM bundle.
  banner: { js: "import { createRequire as __cutoverRequire } from 'node:module'; const require = __cutoverRequire(import.meta.url);" },
});
