/**
 * The embedded default store: one JSONL file per program, one canonical event per line.
 * Appends take an exclusive lock, check the expected head (read from the end of the file), write,
 * and fsync before returning. Reads go in chunks of whole lines, never the whole file as one string.
 */
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LedgerEvent } from '../domain/events.js';
import { LedgerVerificationError, StaleHeadError } from '../errors.js';
import { serialize } from '../ledger/line.js';
import { tornLineError } from '../ledger/torn-line.js';
import { stampOf, type FileStamp } from './checkpoint.js';
import { linesOf, readLineChunks, readTail, type FileTail, type LineChunk, type TornTail } from './line-chunks.js';
import type { ByteTail, LedgerHead, LedgerRead, LedgerStore } from './ledger-store.js';

export interface FileStoreOptions {
  /** The folder holding the ledger files. */
  readonly dir: string;
  /** The file name of a program's ledger inside `dir`; default `<program>.jsonl`. */
  readonly fileName?: (program: string) => string;
}

/** The file name a program directory uses: `.cutover/ledger.jsonl` beside `cutover.yaml`. */
export const PROGRAM_DIR_LEDGER = 'ledger.jsonl';

/** What an append did to the file, measured under its lock: a checkpoint can move forward with it. */
export interface FileAppended {
  /** The head after the append (null: the ledger is still empty). */
  readonly head: LedgerHead | null;
  /** The file's stamp before the append (null: it did not exist). */
  readonly stampBefore: FileStamp | null;
  readonly stampAfter: FileStamp | null;
  /** Where the appended lines start. */
  readonly offsetBefore: number;
}

export class FileLedgerStore implements LedgerStore, ByteTail {
  /** The program each ledger file names in its first line, once read: a ledger's first line never changes. */
  private readonly programOfFile = new Map<string, string>();

  constructor(private readonly options: FileStoreOptions) {}

  /** The store of a program directory: one program, `<dir>/.cutover/ledger.jsonl`. */
  static forProgramDir(dir: string): FileLedgerStore {
    return new FileLedgerStore({ dir: join(dir, '.cutover'), fileName: () => PROGRAM_DIR_LEDGER });
  }

  pathOf(program: string): string {
    return join(this.options.dir, this.options.fileName?.(program) ?? `${program}.jsonl`);
  }

  async read(program: string, fromSeq = 1): Promise<LedgerRead> {
    return this.readFile(this.pathOf(program), fromSeq);
  }

  private async readFile(path: string, fromSeq = 1): Promise<LedgerRead> {
    const lines: string[] = [];
    let tail: TornTail | undefined;
    let seen = 0;
    for await (const chunk of readLineChunks(path, 0, (t) => (tail = t))) {
      for (const line of linesOf(chunk.bytes)) if (++seen >= fromSeq) lines.push(line);
    }
    const torn = tail as TornTail | undefined;
    return torn === undefined ? { source: path, lines } : { source: path, lines, torn: { line: seen + 1, bytes: torn.bytes, keepBytes: torn.offset } };
  }

  /** Complete lines from byte `offset` on, in chunks; `onTorn` hears of a partial last line. */
  chunks(program: string, offset = 0, onTorn?: (tail: TornTail) => void): AsyncGenerator<LineChunk> {
    return readLineChunks(this.pathOf(program), offset, onTorn);
  }

  async endOf(program: string): Promise<{ head: LedgerHead | null; end: number }> {
    const path = this.pathOf(program);
    const tail = await tailOf(path);
    return { head: await headOf(tail, path), end: tail.end };
  }

  async sizeOf(program: string): Promise<number> {
    return stat(this.pathOf(program)).then(
      (s) => s.size,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return 0;
        throw e;
      },
    );
  }

  async linesFrom(program: string, offset: number): Promise<{ lines: string[]; end: number }> {
    const lines: string[] = [];
    let end = offset;
    for await (const chunk of readLineChunks(this.pathOf(program), offset)) {
      for (const line of linesOf(chunk.bytes)) lines.push(line);
      end = chunk.offset + chunk.bytes.length;
    }
    return { lines, end };
  }

  async *linesAfter(program: string, fromSeq: number, chunkBytes: number): AsyncIterable<readonly string[]> {
    let seq = 0;
    for await (const chunk of readLineChunks(this.pathOf(program), 0, undefined, chunkBytes)) {
      const lines = linesOf(chunk.bytes);
      const first = seq + 1;
      seq += lines.length;
      if (seq >= fromSeq) yield lines.slice(Math.max(0, fromSeq - first));
    }
  }

  /** Does the file end in a partial line right now? */
  async endsTorn(program: string): Promise<boolean> {
    const tail = await tailOf(this.pathOf(program));
    return tail.end !== tail.size;
  }

  async head(program: string): Promise<LedgerHead | null> {
    const path = this.pathOf(program);
    return headOf(await tailOf(path), path);
  }

  /** Under the lock, the head comes from the end of the file: an append costs the same at any length. */
  async append(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<LedgerHead | null> {
    return (await this.appendMeasured(program, expectedHead, events)).head;
  }

  /** `append`, and what it did to the file (for the folder's checkpoint to move forward with it). */
  async appendMeasured(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<FileAppended> {
    const path = this.pathOf(program);
    await mkdir(dirname(path), { recursive: true });
    // The lock (and the sockets and host name it uses) loads with the first append: reads take none.
    const { withFileLock } = await import('./file-lock.js');
    return withFileLock(path, async () => {
      const stampBefore = await stampOf(path);
      const tail = await tailOf(path);
      const head = await headOf(tail, path);
      if (tail.end !== tail.size) {
        throw tornLineError(path, { line: (head?.seq ?? 0) + 1, bytes: tail.size - tail.end, keepBytes: tail.end }, 'nothing was appended');
      }
      if ((head?.hash ?? null) !== expectedHead) throw new StaleHeadError(expectedHead, head?.hash ?? null);
      if (events.length === 0) return { head, stampBefore, stampAfter: stampBefore, offsetBefore: tail.size };
      const expectedSeq = (head?.seq ?? 0) + 1;
      if (events[0]!.seq !== expectedSeq || events.some((e, i) => e.seq !== expectedSeq + i)) {
        throw new StaleHeadError(expectedHead, head?.hash ?? null);
      }
      const handle = await open(path, 'a', 0o644);
      try {
        await handle.writeFile(events.map((e) => serialize(e) + '\n').join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (head === null) await syncDir(dirname(path));
      // Still under the lock: the file is exactly what was there before and what was just written.
      const last = events[events.length - 1]!;
      return { head: { seq: last.seq, hash: last.hash }, stampBefore, stampAfter: await stampOf(path), offsetBefore: tail.size };
    });
  }

  async listPrograms(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.options.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const programs = new Set<string>();
    // Only the first line names the program: a folder of big ledgers is listed without reading them,
    // 32 files at a time, and a file already read is not opened again (a server lists often).
    const files = names.filter((n) => n.endsWith('.jsonl'));
    const unread = files.filter((name) => !this.programOfFile.has(name));
    for (let i = 0; i < unread.length; i += 32) {
      const batch = unread.slice(i, i + 32);
      const firsts = await Promise.all(batch.map((name) => firstLineOf(join(this.options.dir, name))));
      firsts.forEach((line, k) => {
        const program = programOf(line);
        if (program !== null) this.programOfFile.set(batch[k]!, program); // an empty or torn file is read again next time
      });
    }
    const present = new Set(files);
    for (const name of this.programOfFile.keys()) if (!present.has(name)) this.programOfFile.delete(name);
    for (const name of files) {
      const program = this.programOfFile.get(name);
      if (program !== undefined) programs.add(program);
    }
    return [...programs].sort();
  }
}

async function tailOf(path: string): Promise<FileTail> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (handle === null) return { size: 0, lastLine: null, end: 0 };
  try {
    return await readTail(handle);
  } finally {
    await handle.close();
  }
}

/** The head named by the last complete line; a last line that is no event is an error, with its line number. */
async function headOf(tail: FileTail, source: string): Promise<LedgerHead | null> {
  const last = tail.lastLine;
  if (last === null) return null;
  try {
    const { seq, hash } = JSON.parse(last) as { seq: unknown; hash: unknown };
    if (typeof seq === 'number' && typeof hash === 'string') return { seq, hash };
  } catch {
    // reported below
  }
  let lines = 0;
  for await (const chunk of readLineChunks(source)) lines += chunk.bytes.reduce((n, byte) => (byte === 10 ? n + 1 : n), 0);
  throw new LedgerVerificationError(source, lines, null, 'malformed', 'the last line is not a ledger event; nothing was appended');
}

/** The first complete line of a file (without its newline), read a chunk at a time; undefined when it has none. */
async function firstLineOf(path: string): Promise<string | undefined> {
  const file = await open(path, 'r').catch(() => null);
  if (file === null) return undefined;
  try {
    const chunks: Buffer[] = [];
    for (let position = 0; ; ) {
      const buffer = Buffer.allocUnsafe(16 * 1024);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return undefined;
      const end = buffer.subarray(0, bytesRead).indexOf(10);
      if (end >= 0) return Buffer.concat([...chunks, buffer.subarray(0, end)]).toString('utf8');
      chunks.push(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
}

function programOf(line: string | undefined): string | null {
  if (line === undefined) return null;
  try {
    const { program } = JSON.parse(line) as { program?: unknown };
    return typeof program === 'string' ? program : null;
  } catch {
    return null;
  }
}

/** Make a new file's directory entry durable too. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the file itself is already synced.
  } finally {
    await handle.close();
  }
}
