// CUTOVER_NO_MINIFY=1 keeps names readable for profiling (node --cpu-prof).
// Bundles the CLI into dist/bundle/ (one file per entry, shared chunks), so start-up does not pay
// for resolving and loading ~60 modules one by one. `tsc` still emits dist/ for the library and tests.
//
// Three steps: esbuild compiles, bundles and splits (each command and each lazily loaded part is its
// own chunk); Rollup then regroups those chunks. esbuild cannot know that the CLI's own modules are
// always loaded before a command's chunk, so it cut them into ~20 small chunks shared in every
// combination, and Node pays about 0.4 ms to load each file; Rollup keeps in one chunk what is
// always loaded together (7 files for `status` instead of 22: about 9 ms less at every start).
// Everything in dist/bundle/ is CommonJS: an entry (bin/cutover.js) that is CommonJS too starts
// without Node's ES module loader (about 6 ms), and dist/bundle/main.js (src/cli/code-cache.ts)
// loads the chunks with a V8 code cache, which scripts/code-cache.js makes by running the read commands.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';

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

// Chunk names carry content hashes: clear the folders, so no chunk of an older build is left to ship.
const out = fileURLToPath(new URL('../dist/bundle', import.meta.url));
const stage = fileURLToPath(new URL('../dist/bundle-stage', import.meta.url));
for (const dir of [out, stage]) rmSync(dir, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

const common = {
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  bundle: true,
  minify: process.env.CUTOVER_NO_MINIFY !== '1',
  sourcemap: 'linked',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  define: {
    __CUTOVER_FOLD__: JSON.stringify(fold.digest('hex').slice(0, 16)),
    __CUTOVER_VERSION__: JSON.stringify(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version),
  },
  plugins: [commanderSpawnsLazily],
};

// CommonJS output has no import.meta: its url is the file's own.
const importMetaUrl = {
  banner: { js: "var __cutoverImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...common.define, 'import.meta.url': '__cutoverImportMetaUrl' },
};

// The worker that checks lines for `verify` runs in its own thread with its own modules: one file.
await build({ ...common, ...importMetaUrl, format: 'cjs', entryPoints: { 'check-worker': 'src/ledger/check-worker.ts' }, outdir: out });

// Staged as ES modules (esbuild splits only those); each becomes CommonJS below, where the require()
// calls of the CommonJS packages bundled in it (commander) find the chunk's own `require`.
await build({ ...common, entryPoints: { main: 'src/cli/main.ts' }, outdir: stage, splitting: true });

// Rollup reads esbuild's source maps, so the maps it writes still lead to the TypeScript.
const esbuildSourceMaps = {
  name: 'esbuild-source-maps',
  async load(id) {
    if (!id.startsWith(stage)) return null;
    const code = await readFile(id, 'utf8');
    const map = await readFile(`${id}.map`, 'utf8').catch(() => null);
    return map === null ? code : { code, map };
  },
};
// What checking lines loads (`verify` always, any read of lines after its checkpoint): the line
// checks and the policy that re-decides each line. The commands and the server reach its parts
// through different imports, so by reachability alone it came in 3 files; it is one chunk now
// (verify loads 8 files, not 10: about 2 ms less, measured in the same rounds). A staged chunk goes
// in only when every module it holds is one of these. authority.ts and pins.ts stay out: `attest`
// and the evidence collectors load them without the policy, and would otherwise load all of it.
const POLICY = [
  'ledger/check-pool.ts', 'ledger/fold.ts', 'ledger/line-check.ts', 'ledger/line-seals.ts', 'ledger/precompiled-checks.ts', 'ledger/seal-check.ts', 'ledger/shape-checks.ts', 'ledger/signing-context.ts',
  'domain/admission.ts', 'domain/decide.ts', 'domain/rollback-checkout.ts', 'domain/run-checkout.ts', 'domain/text-limit.ts',
];
// Modules main.js loads statically stay in cli.js, and a module the policy imports from outside it
// keeps a chunk of its own: a manual chunk would otherwise take in every module it imports.
const holdsPolicyOnly = (id) => {
  try {
    const sources = JSON.parse(readFileSync(`${id}.map`, 'utf8')).sources;
    return sources.length > 0 && sources.every((s) => POLICY.some((p) => s.endsWith(`src/${p}`)));
  } catch {
    return false;
  }
};
let chunkNames;
function policyChunk(id, { getModuleInfo }) {
  if (chunkNames === undefined) {
    chunkNames = new Map();
    const main = join(stage, 'main.js');
    const reach = (from, follow) => {
      const seen = new Set();
      const visit = (m) => {
        if (seen.has(m)) return;
        seen.add(m);
        for (const next of follow(getModuleInfo(m))) visit(next);
      };
      from.forEach(visit);
      return seen;
    };
    const all = reach([main], (info) => [...(info?.importedIds ?? []), ...(info?.dynamicallyImportedIds ?? [])]);
    const inMain = reach([main], (info) => info?.importedIds ?? []);
    const policy = [...all].filter((m) => m.startsWith(stage) && !inMain.has(m) && holdsPolicyOnly(m));
    for (const m of inMain) chunkNames.set(m, 'cli');
    for (const m of reach(policy, (info) => info?.importedIds ?? [])) {
      if (!chunkNames.has(m) && m.startsWith(stage)) chunkNames.set(m, policy.includes(m) ? 'policy' : basename(m, '.js'));
    }
  }
  return chunkNames.get(id);
}

// In a CommonJS chunk, import.meta.url is its file's URL (Rollup's own stand-in also looks for a browser's document).
const commonJsImportMeta = {
  name: 'common-js-import-meta',
  resolveImportMeta: (property) => (property === 'url' ? "require('node:url').pathToFileURL(__filename).href" : null),
};

const regrouped = await rollup({
  input: { cli: join(stage, 'main.js') },
  external: (id) => id.startsWith('node:') || builtinModules.includes(id),
  // Only regroup: esbuild has already removed what is unused, and nothing more is to be dropped.
  treeshake: false,
  // cli.js may export what its chunks import from it: no extra facade file to load.
  preserveEntrySignatures: 'allow-extension',
  plugins: [esbuildSourceMaps, commonJsImportMeta],
  onwarn: (warning, warn) => {
    if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning);
  },
});
await regrouped.write({
  dir: out,
  format: 'cjs',
  // import() of a chunk or a builtin becomes require(): a script compiled by node:vm has no import().
  dynamicImportInCjs: false,
  sourcemap: true,
  entryFileNames: '[name].js',
  // esbuild's chunk names end in its own hash; keep the readable part (e.g. "status").
  chunkFileNames: (chunk) => `${chunk.name.replace(/-[A-Z0-9]{8}$/, '')}-[hash].js`,
  manualChunks: policyChunk,
});
await regrouped.close();
rmSync(stage, { recursive: true, force: true });

// The entry bin/cutover.js requires: it loads the chunks above, each with its code cache.
await build({ ...common, ...importMetaUrl, format: 'cjs', sourcemap: false, entryPoints: { main: 'src/cli/code-cache.ts' }, outdir: out });
const cached = spawnSync(process.execPath, [fileURLToPath(new URL('./code-cache.js', import.meta.url))], { stdio: 'inherit' });
if (cached.status !== 0) throw new Error(`scripts/code-cache.js exited ${cached.status ?? cached.signal}`);

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
