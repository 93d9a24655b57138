/**
 * The bundle's entry (`dist/bundle/main.js`, which bin/cutover.js requires): it loads the CLI's
 * chunks itself, each with the V8 code cache the build made for it, so a start does not compile
 * again the functions every command runs (Node 20 has no compile cache of its own, and none at all
 * for ES modules). scripts/bundle.js builds it, and the chunks, as CommonJS.
 *
 * A cache is only a shortcut: a chunk whose cache is missing, damaged, made from other text, or
 * refused by the running V8 (another Node, other flags) is compiled from its text as without one; a
 * cache can never make a chunk run code other than its own text.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { main as cliMain } from './main.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** A cache file: the sha256 of the chunk's text it was made from followed by V8's data, then that data. */
const DIGEST_BYTES = 32;
// The chunk's text is wrapped as Node wraps a CommonJS module; lineOffset keeps its line numbers.
const WRAPPER = '(function (exports, require, module, __filename, __dirname) {\n';

interface Chunk {
  readonly exports: Record<string, unknown>;
}
const chunks = new Map<string, Chunk>();
const compiled: { readonly file: string; readonly text: Buffer; readonly script: Script }[] = [];

// V8 itself checks only the text's length, and checks its data's own checksum only in debug builds.
const digestOf = (text: Buffer, data: Buffer) => createHash('sha256').update(text).update(data).digest();

/** The code cache kept for this text, or undefined when there is none made from exactly this text, intact. */
function cacheFor(file: string, text: Buffer): Buffer | undefined {
  let kept: Buffer;
  try {
    kept = readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  const data = kept.subarray(DIGEST_BYTES);
  return kept.length > DIGEST_BYTES && kept.subarray(0, DIGEST_BYTES).equals(digestOf(text, data)) ? data : undefined;
}

/** Load a chunk of dist/bundle/ by file name (as its siblings `require('./name.js')` it), once. */
function requireChunk(name: string): Record<string, unknown> {
  const file = join(HERE, name);
  const loaded = chunks.get(file);
  if (loaded !== undefined) return loaded.exports;
  const text = readFileSync(file);
  const script = new Script(`${WRAPPER}${text.toString('utf8')}\n})`, { filename: file, lineOffset: -1, cachedData: cacheFor(file, text) });
  compiled.push({ file, text, script });
  const chunk: Chunk = { exports: {} };
  // Registered before it runs, as Node does, so chunks that require each other in a cycle get the exports built so far.
  chunks.set(file, chunk);
  (script.runInThisContext() as (...args: unknown[]) => void)(chunk.exports, chunkRequire(), chunk, file, HERE);
  return chunk.exports;
}

let required: NodeJS.Require | undefined;
/** What a chunk calls `require`: its siblings through requireChunk, anything else as Node would from dist/bundle/ (all chunks are there). */
function chunkRequire(): NodeJS.Require {
  if (required !== undefined) return required;
  const fromNode = createRequire(join(HERE, 'cli.js'));
  return (required = Object.assign((id: string) => (id.startsWith('./') ? requireChunk(id.slice(2)) : fromNode(id)), fromNode));
}

export const main: typeof cliMain = (argv, io, handlers) => (requireChunk('cli.js') as { main: typeof cliMain }).main(argv, io, handlers);

/**
 * Write the code cache of every chunk loaded so far, for the build (scripts/code-cache.js), once it
 * has run the commands whose start-up matters: a cache made after running holds the functions they
 * compiled on the way, not only each chunk's top level. Returns the files written.
 */
export function writeCodeCache(): string[] {
  return compiled.map(({ file, text, script }) => {
    const data = script.createCachedData();
    writeFileSync(`${file}.cache`, Buffer.concat([digestOf(text, data), data]));
    return `${file}.cache`;
  });
}
