/**
 * Verification of a long ledger on every core. A line's seal (canonical form, hash, Ed25519
 * signature) is checked from its text alone, independently per line, so chunks of whole lines go to
 * workers through shared memory; this thread parses each line once, checks its shape and folds it,
 * in order, once the chunk's seal checks are back, and checks seals itself while it would otherwise
 * wait: `threads` threads in all, this one included. Memory holds a few chunks, never the ledger.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { LedgerEvent } from '../domain/events.js';
import type { LineChunk } from './line-chunk.js';
import { initialState } from '../domain/state.js';
import { foldChecked, LineFolder, type LedgerText, type Verified, type VerifiedHead } from './fold.js';
import {
  checkLines,
  chunkLines,
  lineCheckOf,
  loadedShapeExplainer,
  loadShapeExplainer,
  sealFaultsOfLines,
  shapeCheckOf,
  type ChunkLines,
  type IndexedSealFault,
  type LineCheck,
} from './line-check.js';
import type { ShapeExplainer } from './shape-checks.js';

/** A shared chunk buffer: a read chunk (1 MiB) and the partial line carried into it. */
const SHARED_CHUNK_BYTES = (1 << 20) + (64 << 10);

/** Below this many bytes, starting workers costs more than it saves. */
const PARALLEL_FROM_BYTES = 2 << 20;

const workerFile = fileURLToPath(new URL('./check-worker.js', import.meta.url));

export interface VerifyOptions {
  /** Threads to check lines on, this one included; default: the cores available. 1 checks in this thread. */
  readonly threads?: number;
  /** How many bytes are coming, when known: small ledgers are checked in this thread. */
  readonly bytes?: number;
}

/** Where verification of a stream of chunks ended: the head after the last line. */
export interface StreamVerified extends VerifiedHead {
  readonly lines: number;
}

/**
 * Verify the lines of `chunks` as the continuation of `before` (the empty ledger, or a checkpoint),
 * with every rule of `verifyContinuation`. `onEvents` sees each chunk's events once verified.
 */
export async function verifyChunks(
  source: string,
  chunks: AsyncIterable<LineChunk>,
  before: VerifiedHead,
  options: VerifyOptions = {},
  onEvents?: (events: readonly LedgerEvent[]) => void,
): Promise<StreamVerified> {
  let head = before;
  let lines = 0;
  // Each chunk is folded a line at a time once its seals are checked (`foldChunk`), so a line's
  // parsed event is garbage soon after it is made, not kept until its whole chunk is folded.
  const fold = async (chunk: ChunkLines, faults: readonly IndexedSealFault[]) => {
    const folder = new LineFolder(head, source, onEvents !== undefined);
    await foldChunk(chunk, faults, folder);
    head = folder.head;
    lines += folder.folded;
    if (folder.events !== null) onEvents?.(folder.events);
  };
  const threads = Math.max(1, options.threads ?? availableParallelism());
  if (threads === 1 || (options.bytes ?? Infinity) < PARALLEL_FROM_BYTES || !existsSync(workerFile)) {
    for await (const chunk of chunks) {
      // All of a chunk's seals, then its fold: each loop keeps its own code and tables in the caches
      // (line by line, the signature check cost about 7 µs more an event).
      const split = chunkLines(chunk.bytes);
      await fold(split, sealFaultsOfLines(split));
    }
    return { ...head, lines };
  }
  // Loaded only here: most ledgers a command reads are checked in this thread, and loading it costs start-up.
  // This thread is one of the `threads`: it folds every chunk and checks the seals of some, so a
  // worker per thread would make one thread more than there are cores, each switch between them
  // costing the signature check its warm caches.
  const pool = new CheckPool(threads - 1, (await import('node:worker_threads')).Worker);
  try {
    await foldInTurn(chunks, pool, fold);
    return { ...head, lines };
  } finally {
    await pool.close();
  }
}

/** A chunk read and not yet folded: its seals checked by a worker, by this thread, or not yet. */
interface ReadChunk {
  readonly bytes: Uint8Array;
  /** The seal faults, once checked (by a worker or by this thread). */
  faults: IndexedSealFault[] | null;
  /** The lines, when this thread checked them ahead: kept for the fold. */
  lines: ChunkLines | null;
  /** The worker's check, once one has it. */
  checking: Promise<IndexedSealFault[]> | null;
}

/** Chunks a worker is given ahead: it starts the next one while this thread, busy, has not yet heard it finished the last. */
const WORKER_DEPTH = 2;

/**
 * Chunks read beyond the workers' for this thread to check ahead of its fold: with fewer, it ran out
 * and waited while a worker was slow on the chunk to fold next (3% of a run with 4). Each holds
 * its lines until folded: about 1 MiB of strings beside its 1 MiB buffer.
 */
const OWN_AHEAD = 8;

/**
 * Fold the chunks in order, each once its seals are checked. Workers take the chunks read ahead,
 * up to WORKER_DEPTH each; this thread, whenever the next chunk to fold is still with a worker,
 * checks the seals of the last chunk read that no worker has, and checks the next chunk's
 * itself, before it folds it, when no worker took it.
 */
async function foldInTurn(
  chunks: AsyncIterable<LineChunk>,
  pool: CheckPool,
  fold: (chunk: ChunkLines, faults: readonly IndexedSealFault[]) => Promise<void>,
): Promise<void> {
  const readAhead = pool.size * WORKER_DEPTH + OWN_AHEAD;
  const window: ReadChunk[] = [];
  // Shared buffers are reused once their chunk is folded: memory outside the heap is freed only
  // when a garbage collection runs, and a buffer per chunk let a long verify's peak grow with the ledger.
  const spare: SharedArrayBuffer[] = [];
  const reader = chunks[Symbol.asyncIterator]();
  let ended = false;
  const give = () => {
    for (const chunk of window) {
      if (!pool.hasRoom(WORKER_DEPTH)) return;
      if (chunk.faults !== null || chunk.checking !== null) continue;
      chunk.checking = pool.check(chunk.bytes).then((faults) => {
        chunk.faults = faults;
        give();
        return faults;
      });
      // A worker's failure rejects every chunk it had; it is thrown where the first of them is awaited.
      chunk.checking.catch(() => undefined);
    }
  };
  const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (;;) {
    while (!ended && window.length < readAhead) {
      const next = await reader.next();
      if (next.done === true) {
        ended = true;
        break;
      }
      const { bytes } = next.value;
      const reused = spare.findIndex((b) => b.byteLength >= bytes.length);
      const buffer = reused === -1 ? new SharedArrayBuffer(Math.max(bytes.length, SHARED_CHUNK_BYTES)) : spare.splice(reused, 1)[0]!;
      const shared = new Uint8Array(buffer, 0, bytes.length);
      shared.set(bytes);
      window.push({ bytes: shared, faults: null, checking: null, lines: null });
    }
    give();
    const first = window[0];
    if (first === undefined) return;
    if (first.faults !== null || first.checking === null) {
      window.shift();
      const lines = first.lines ?? chunkLines(asBuffer(first.bytes));
      await fold(lines, first.faults ?? sealFaultsOfLines(lines));
      spare.push(first.bytes.buffer as SharedArrayBuffer);
      continue;
    }
    const own = window.findLast((c) => c.faults === null && c.checking === null);
    if (own === undefined) {
      await first.checking;
      continue;
    }
    own.lines = chunkLines(asBuffer(own.bytes));
    own.faults = sealFaultsOfLines(own.lines);
    // Let the workers' reports in before taking another: each then takes the next chunk from the front.
    await new Promise(setImmediate);
  }
}

/**
 * Fold each line of a chunk in turn, given the seal faults found in it (by line index, in order):
 * its parse and shape checked here, then the rules that link it to the lines before.
 */
async function foldChunk({ lines }: ChunkLines, faults: readonly IndexedSealFault[], folder: LineFolder): Promise<void> {
  let nextFault = 0;
  const sealFaultAt = (i: number): IndexedSealFault | null => {
    while (nextFault < faults.length && faults[nextFault]!.index < i) nextFault++;
    const fault = faults[nextFault];
    return fault !== undefined && fault.index === i ? fault : null;
  };
  const checkAt = (i: number, explain: ShapeExplainer | null): LineCheck | null => {
    const shape = shapeCheckOf(lines[i]!, explain);
    return shape === null || !shape.ok ? shape : lineCheckOf(shape, sealFaultAt(i));
  };
  // The lines after one out of place, checked (unexplained) to tell a removed line from a moved one.
  const laterCheck = (i: number): LineCheck | null => {
    const shape = shapeCheckOf(lines[i]!, null);
    return shape === null ? null : lineCheckOf(shape, faults.find((f) => f.index === i) ?? null);
  };
  const later = (from: number) => lines.slice(from).map((_, k) => laterCheck(from + k));
  for (let i = 0; i < lines.length; i++) {
    const check = checkAt(i, loadedShapeExplainer()) ?? checkAt(i, await loadShapeExplainer())!;
    folder.add(check, later);
  }
}

/** Verify a ledger held in memory (another copy, a bundle): the same checks, the events kept. */
export async function verifyLedgerText(text: LedgerText, options: VerifyOptions = {}): Promise<Verified> {
  const bytes = text.lines.reduce((n, l) => n + l.length + 1, 0);
  if ((options.threads ?? availableParallelism()) === 1 || bytes < PARALLEL_FROM_BYTES) return foldChecked({ state: initialState(), last: null }, text, await checkLines(text.lines));
  const events: LedgerEvent[] = [];
  const { state } = await verifyChunks(text.source, chunksOf(text.lines), { state: initialState(), last: null }, { ...options, bytes }, (e) => events.push(...e));
  return text.torn === undefined ? { events, state } : { events, state, torn: text.torn };
}

async function* chunksOf(lines: readonly string[], perChunk = 4096): AsyncGenerator<LineChunk> {
  for (let i = 0; i < lines.length; i += perChunk) yield { bytes: Buffer.from(lines.slice(i, i + perChunk).join('\n') + '\n', 'utf8'), offset: -1 };
}

/** Persistent workers, each checking the chunks it is given. */
class CheckPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (faults: IndexedSealFault[]) => void; reject: (e: Error) => void }>();
  private readonly load: number[];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(size: number, WorkerThread: typeof Worker) {
    // A worker's heap holds one chunk at a time: small limits keep the process's peak memory flat at any ledger length.
    this.workers = Array.from({ length: size }, () => new WorkerThread(workerFile, { resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } }));
    this.load = this.workers.map(() => 0);
    this.workers.forEach((worker, w) => {
      worker.on('message', ({ id, faults }: { id: number; faults: IndexedSealFault[] }) => {
        this.load[w]!--;
        this.pending.get(id)?.resolve(faults);
        this.pending.delete(id);
      });
      worker.on('error', (e) => {
        this.failure = e;
        for (const { reject } of this.pending.values()) reject(e);
        this.pending.clear();
      });
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Whether some worker has fewer than `depth` chunks to check. */
  hasRoom(depth: number): boolean {
    return this.failure === null && Math.min(...this.load) < depth;
  }

  check(bytes: Uint8Array): Promise<IndexedSealFault[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const w = this.load.indexOf(Math.min(...this.load));
    const id = this.nextId++;
    this.load[w]!++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[w]!.postMessage({ id, bytes });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
