/**
 * The file store as `cutover serve --data DIR` uses it: the same ledger files, and one verified
 * checkpoint per program kept in the cache folder (never beside the ledgers), so a restarted server
 * resumes where it stopped, as it does on PostgreSQL. What it keeps is the server's checkpoint
 * (`server/program-checkpoint.ts`): trusted only after the lines before it hash to its digests again.
 * It is kept apart from the CLI's checkpoint of the same file, which carries the file's stat.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { checkpointPath, keepCheckpointText } from './checkpoint.js';
import { FileLedgerStore, type FileStoreOptions } from './file-store.js';
import type { CheckpointShelf, HeadsReader, PosterShelf, SummaryDue, SummaryPage, SummaryQuery, SummaryRecord, SummaryShelf } from './ledger-store.js';
import { SummaryIndex } from './summary-index.js';
import { linesOf, readLineChunks } from './line-chunks.js';

export class ServedFileStore extends FileLedgerStore implements CheckpointShelf, PosterShelf, SummaryShelf, HeadsReader {
  /** Every program's summary, read from the cache folder on the first list (undefined until then). */
  private index: Promise<SummaryIndex> | undefined;

  constructor(
    options: FileStoreOptions,
    private readonly cacheDir: string,
  ) {
    super(options);
  }

  private shelfPath(program: string): string {
    const cli = checkpointPath(this.cacheDir, this.pathOf(program));
    return join(dirname(dirname(cli)), 'served', basename(cli));
  }

  /** Who posted: a sidecar beside the ledger file (`<program>.jsonl.posted-by`, one JSON record per post), never inside it. */
  private postersPath(program: string): string {
    return `${this.pathOf(program)}.posted-by`;
  }

  async keepPoster(program: string, fromSeq: number, toSeq: number, record: string): Promise<void> {
    await appendFile(this.postersPath(program), JSON.stringify({ from: fromSeq, to: toSeq, record }) + '\n', 'utf8');
  }

  async posterOf(program: string, seq: number): Promise<string | null> {
    const text = await readFile(this.postersPath(program), 'utf8').catch(() => '');
    let found: string | null = null;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const kept = JSON.parse(line) as { from: number; to: number; record: string };
        if (kept.from <= seq && seq <= kept.to) found = kept.record;
      } catch {
        // a torn last line (a crash mid-write) names no one
      }
    }
    return found;
  }

  /**
   * Every program's summary: one append-only file in the cache folder (never beside the ledgers),
   * a record per line, the last for a program winning; rewritten with one line per program when a
   * start finds it more than twice that long. One read at a restart, whatever the number of programs.
   */
  private summariesPath(): string {
    // Named by the folder's absolute path, as checkpoints are by the ledger's: folders sharing a cache stay apart.
    const folder = createHash('sha256').update(resolve(dirname(this.pathOf('x')))).digest('hex').slice(0, 40);
    return join(this.cacheDir, 'served', `summaries-${folder}.jsonl`);
  }

  async headsOf(programs: readonly string[]): Promise<ReadonlyMap<string, number>> {
    // Each file's tail, 32 files at a time: the last line only, never the ledger.
    const heads = new Map<string, number>();
    for (let i = 0; i < programs.length; i += 32) {
      const batch = programs.slice(i, i + 32);
      const read = await Promise.all(batch.map((program) => this.head(program)));
      read.forEach((head, k) => {
        if (head !== null) heads.set(batch[k]!, head.seq);
      });
    }
    return heads;
  }

  async keepSummary(record: SummaryRecord): Promise<void> {
    const index = await this.summaryIndex();
    if (!index.keep(record)) return;
    await appendFile(this.summariesPath(), JSON.stringify(record) + '\n', 'utf8');
  }

  async summaries(query: SummaryQuery): Promise<SummaryPage> {
    return (await this.summaryIndex()).query(query);
  }

  async summariesDue(limit: number, due: SummaryDue): Promise<string[]> {
    return (await this.summaryIndex()).due(() => this.listPrograms(), limit, due, async (program) => (await this.head(program))?.seq ?? 0);
  }

  private summaryIndex(): Promise<SummaryIndex> {
    this.index ??= (async () => {
      const index = new SummaryIndex();
      const path = this.summariesPath();
      await mkdir(dirname(path), { recursive: true });
      const text = await readFile(path, 'utf8').catch(() => '');
      const programs = new Set(await this.listPrograms());
      let lines = 0;
      for (const line of text.split('\n')) {
        if (line === '') continue;
        lines++;
        try {
          const record = JSON.parse(line) as SummaryRecord;
          // Only a cache: a program no longer in the folder, or a torn last line, is as good as none.
          if (programs.has(record.program)) index.keep(record);
        } catch {
          // made again as missing
        }
      }
      if (lines > 2 * index.size + 100) {
        const aside = `${path}.${process.pid}.tmp`;
        await writeFile(aside, index.records().map((r) => JSON.stringify(r) + '\n').join(''), 'utf8');
        await rename(aside, path);
      }
      return index;
    })();
    return this.index;
  }

  async checkpointOf(program: string): Promise<string | null> {
    // It is only a cache: one that cannot be read (missing, unreadable) is as good as none; the
    // program is verified in full, and writing its next checkpoint says what is wrong if it fails.
    return readFile(this.shelfPath(program), 'utf8').catch(() => null);
  }

  async keepCheckpoint(program: string, seq: number, text: string, replacing = false): Promise<void> {
    // Forward only, as on PostgreSQL: a checkpoint that covers more is not replaced by one that covers less.
    if (!replacing) {
      const kept = await this.checkpointOf(program);
      const keptSeq = kept === null ? null : seqOf(kept);
      if (keptSeq !== null && keptSeq >= seq) return;
    }
    await keepCheckpointText(this.shelfPath(program), text);
  }

  async *lineBatches(program: string, fromSeq: number, toSeq: number): AsyncIterable<readonly string[]> {
    let seq = 0;
    for await (const chunk of readLineChunks(this.pathOf(program))) {
      const lines = linesOf(chunk.bytes);
      const first = seq + 1;
      seq += lines.length;
      const batch = lines.slice(Math.max(0, fromSeq - first), Math.max(0, toSeq - first + 1));
      if (batch.length > 0) yield batch;
      if (seq >= toSeq) return;
    }
  }
}

function seqOf(text: string): number | null {
  try {
    const seq = (JSON.parse(text) as { seq?: unknown }).seq;
    return Number.isSafeInteger(seq) ? (seq as number) : null;
  } catch {
    return null;
  }
}
