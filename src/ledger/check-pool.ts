/**
 * Verification of a long ledger on every core. A line's seal (canonical form, hash, Ed25519
 * signature) is checked from its text alone, independently per line, so chunks of whole lines go to
 * one worker per core through shared memory; this thread parses each line once, checks its shape and
 * folds it, in order, once the chunk's seal checks are back, while the workers go on with the next
 * ones. Memory holds a few chunks, never the ledger.
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
  sealFaultOfLine,
  shapeCheckOf,
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
  /** Threads to check lines on; default: the cores available. 1 checks in this thread. */
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
  // Each chunk is folded a line at a time as its lines are checked (`foldChunk`), so a line's
  // parsed event is garbage soon after it is made, not kept until its whole chunk is checked.
  const fold = async (bytes: Buffer, faults: readonly IndexedSealFault[] | null) => {
    const folder = new LineFolder(head, source, onEvents !== undefined);
    await foldChunk(bytes, faults, folder);
    head = folder.head;
    lines += folder.folded;
    if (folder.events !== null) onEvents?.(folder.events);
  };
  const threads = Math.max(1, options.threads ?? availableParallelism());
  if (threads === 1 || (options.bytes ?? Infinity) < PARALLEL_FROM_BYTES || !existsSync(workerFile)) {
    for await (const chunk of chunks) await fold(chunk.bytes, null);
    return { ...head, lines };
  }
  // Loaded only here: most ledgers a command reads are checked in this thread, and loading it costs start-up.
  const pool = new CheckPool(threads, (await import('node:worker_threads')).Worker);
  try {
    const inFlight: { bytes: Uint8Array; faults: Promise<IndexedSealFault[]> }[] = [];
    // Shared buffers are reused once their chunk is folded: memory outside the heap is freed only
    // when a garbage collection runs, and this thread, which only folds, allocates too little to
    // run one often; a buffer per chunk let a long verify's peak grow with the ledger.
    const spare: SharedArrayBuffer[] = [];
    const foldNext = async () => {
      const next = inFlight.shift()!;
      const faults = await next.faults;
      await fold(Buffer.from(next.bytes.buffer, next.bytes.byteOffset, next.bytes.byteLength), faults);
      spare.push(next.bytes.buffer as SharedArrayBuffer);
    };
    for await (const chunk of chunks) {
      const reused = spare.findIndex((b) => b.byteLength >= chunk.bytes.length);
      const buffer = reused === -1 ? new SharedArrayBuffer(Math.max(chunk.bytes.length, SHARED_CHUNK_BYTES)) : spare.splice(reused, 1)[0]!;
      const shared = new Uint8Array(buffer, 0, chunk.bytes.length);
      shared.set(chunk.bytes);
      inFlight.push({ bytes: shared, faults: pool.check(shared) });
      if (inFlight.length >= threads * 2) await foldNext();
    }
    while (inFlight.length > 0) await foldNext();
    return { ...head, lines };
  } finally {
    await pool.close();
  }
}

/**
 * Check and fold each line of a chunk in turn: its parse and shape here, its seal here too when
 * `faults` is null, else the seal faults the workers found in the chunk (by line index, in order).
 */
async function foldChunk(bytes: Buffer, faults: readonly IndexedSealFault[] | null, folder: LineFolder): Promise<void> {
  const { lines, ascii } = chunkLines(bytes);
  let nextFault = 0;
  const checkAt = (i: number, explain: ShapeExplainer | null): LineCheck | null => {
    const shape = shapeCheckOf(lines[i]!, explain);
    if (shape === null || !shape.ok) return shape;
    if (faults === null) return lineCheckOf(shape, sealFaultOfLine(lines[i]!, shape.event, ascii));
    while (nextFault < faults.length && faults[nextFault]!.index < i) nextFault++;
    const fault = faults[nextFault];
    return lineCheckOf(shape, fault !== undefined && fault.index === i ? fault : null);
  };
  for (let i = 0; i < lines.length; i++) {
    const check = checkAt(i, loadedShapeExplainer()) ?? checkAt(i, await loadShapeExplainer())!;
    folder.add(check, () => lines.slice(i + 1).map((_, k) => laterCheck(i + 1 + k)));
  }
  // The lines after one out of place, checked (unexplained) to tell a removed line from a moved one.
  function laterCheck(i: number): LineCheck | null {
    if (faults === null) return checkAt(i, null);
    const shape = shapeCheckOf(lines[i]!, null);
    const fault = faults.find((f) => f.index === i);
    return shape === null ? null : lineCheckOf(shape, fault ?? null);
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
