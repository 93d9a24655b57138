#!/usr/bin/env node
// Which files of the bundle a command loads, their sizes, and the modules each holds (from its
// source map): how to check that a command loads no more than it needs (issue 30: `verify` loads no
// TypeBox unless a line fails), and whether each chunk's V8 code cache was used. Build first (`npm run build`).
//
//   node bench/loaded-chunks.js -C examples/memorykernel-service-v3 verify
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Hooks in the command's process that print every file it loads, on stderr: ES modules, CommonJS
// modules Node loads (bin/cutover.js, dist/bundle/main.js), and the chunks dist/bundle/main.js
// compiles itself (through node:vm), with what became of their code cache.
const hook = `export async function load(url, context, next) { if (url.startsWith('file:')) process._rawDebug('LOADED ' + url); return next(url, context); }`;
const scripts = `const { pathToFileURL } = process.getBuiltinModule('node:url');
const Module = process.getBuiltinModule('node:module'); const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) { process._rawDebug('LOADED ' + pathToFileURL(filename).href); return compile.call(this, content, filename); };
const vm = process.getBuiltinModule('node:vm'); vm.Script = class extends vm.Script {
  constructor(code, options) { super(code, options); process._rawDebug('LOADED ' + pathToFileURL(options.filename).href + ' ' + (options.cachedData === undefined ? 'no code cache' : this.cachedDataRejected ? 'code cache REFUSED' : 'code cache used')); }
};`;
const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)}); ${scripts}`;
const run = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, join(ROOT, 'bin', 'cutover.js'), ...process.argv.slice(2)], { encoding: 'utf8' });
const files = run.stderr
  .split('\n')
  .filter((l) => l.startsWith('LOADED '))
  .map((l) => {
    const [url, ...cache] = l.slice('LOADED '.length).split(' ');
    return { file: fileURLToPath(url), cache: cache.join(' ') };
  })
  .filter(({ file }) => file.includes(`${join('dist', 'bundle')}`));
let total = 0;
for (const { file, cache } of files) {
  const bytes = statSync(file).size;
  total += bytes;
  let sources = [];
  try {
    sources = JSON.parse(readFileSync(`${file}.map`, 'utf8')).sources.map((s) => s.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+src\//, 'src/'));
  } catch {
    // no source map: a facade of a few bytes
  }
  // A package's many files, as one entry with their count.
  const grouped = new Map();
  for (const s of sources) {
    const key = s.startsWith('src/') ? s : s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/');
    grouped.set(key, (grouped.get(key) ?? 0) + 1);
  }
  const cacheBytes = existsSync(`${file}.cache`) ? `, ${statSync(`${file}.cache`).size} bytes` : '';
  console.log(`${file.slice(ROOT.length + 1)}  ${bytes} bytes${cache === '' ? '' : `, ${cache}${cacheBytes}`}`);
  if (grouped.size > 0) console.log(`  ${[...grouped].map(([k, n]) => (n > 1 ? `${k} (${n} files)` : k)).join(', ')}`);
}
console.log(`${files.length} files, ${total} bytes; exit ${run.status}`);
