/**
 * The embedded default store: one JSONL file per program, one canonical event per line.
 * Appends take an exclusive lock, check the expected head, write, and fsync before returning.
 */
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LedgerEvent } from '../domain/events.js';
import { LedgerVerificationError, StaleHeadError } from '../errors.js';
import { serialize } from '../ledger/chain.js';
import { tornLineError } from '../ledger/verify.js';
import { withFileLock } from './file-lock.js';
import type { LedgerHead, LedgerRead, LedgerStore } from './ledger-store.js';

export interface FileStoreOptions {
  /** The folder holding the ledger files. */
  readonly dir: string;
  /** The file name of a program's ledger inside `dir`; default `<program>.jsonl`. */
  readonly fileName?: (program: string) => string;
}

/** The file name a program directory uses: `.cutover/ledger.jsonl` beside `cutover.yaml`. */
export const PROGRAM_DIR_LEDGER = 'ledger.jsonl';

export class FileLedgerStore implements LedgerStore {
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
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { source: path, lines: [] };
      throw e;
    }
    const parts = text.split('\n');
    const last = parts.pop()!; // '' when the file ends with a newline, as every complete append leaves it
    const start = Math.max(0, fromSeq - 1);
    const lines = start === 0 ? parts : parts.slice(start);
    return last === ''
      ? { source: path, lines }
      : { source: path, lines, torn: { line: parts.length + 1, bytes: Buffer.byteLength(last), keepBytes: Buffer.byteLength(text) - Buffer.byteLength(last) } };
  }

  async head(program: string): Promise<LedgerHead | null> {
    const { lines, source } = await this.read(program);
    return headOf(lines, source);
  }

  async append(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<LedgerHead> {
    const path = this.pathOf(program);
    await mkdir(dirname(path), { recursive: true });
    return withFileLock(path, async () => {
      const current = await this.readFile(path);
      if (current.torn !== undefined) throw tornLineError(path, current.torn, 'nothing was appended');
      const head = headOf(current.lines, path);
      if ((head?.hash ?? null) !== expectedHead) throw new StaleHeadError(expectedHead, head?.hash ?? null);
      if (events.length === 0) return head!;
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
      const last = events[events.length - 1]!;
      return { seq: last.seq, hash: last.hash };
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
    for (const name of names.filter((n) => n.endsWith('.jsonl'))) {
      const { lines } = await this.readFile(join(this.options.dir, name));
      const program = programOf(lines[0]);
      if (program !== null) programs.add(program);
    }
    return [...programs].sort();
  }
}

function headOf(lines: readonly string[], source: string): LedgerHead | null {
  const last = lines[lines.length - 1];
  if (last === undefined) return null;
  try {
    const { seq, hash } = JSON.parse(last) as { seq: unknown; hash: unknown };
    if (typeof seq === 'number' && typeof hash === 'string') return { seq, hash };
  } catch {
    // reported below
  }
  throw new LedgerVerificationError(source, lines.length, null, 'malformed', 'the last line is not a ledger event; nothing was appended');
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
