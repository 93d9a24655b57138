/**
 * The file store as `cutover serve --data DIR` uses it: the same ledger files, and one verified
 * checkpoint per program kept in the cache folder (never beside the ledgers), so a restarted server
 * resumes where it stopped, as it does on PostgreSQL. What it keeps is the server's checkpoint
 * (`server/program-checkpoint.ts`): trusted only after the lines before it hash to its digests again.
 * It is kept apart from the CLI's checkpoint of the same file, which carries the file's stat.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkpointPath, keepCheckpointText } from './checkpoint.js';
import { FileLedgerStore, type FileStoreOptions } from './file-store.js';
import type { CheckpointShelf, PosterShelf, SummaryPage, SummaryQuery, SummaryRecord, SummaryShelf } from './ledger-store.js';
import { SummaryIndex } from './summary-index.js';
import { linesOf, readLineChunks } from './line-chunks.js';

export class ServedFileStore extends FileLedgerStore implements CheckpointShelf, PosterShelf, SummaryShelf {
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

  /** A program's summary: a file in the cache folder beside its checkpoint, never beside the ledger. */
  private summaryPath(program: string): string {
    const cli = checkpointPath(this.cacheDir, this.pathOf(program));
    return join(dirname(dirname(cli)), 'summaries', basename(cli));
  }

  async keepSummary(record: SummaryRecord): Promise<void> {
    const index = await this.summaryIndex();
    if (!index.keep(record)) return;
    const path = this.summaryPath(record.program);
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed: a reader never sees half a summary.
    const aside = `${path}.${process.pid}.tmp`;
    await writeFile(aside, JSON.stringify(record), 'utf8');
    await rename(aside, path);
  }

  async summaries(query: SummaryQuery): Promise<SummaryPage> {
    return (await this.summaryIndex()).query(query);
  }

  async summariesDue(limit: number, stale?: { readonly build: string; readonly at: Date }): Promise<string[]> {
    return (await this.summaryIndex()).due(await this.listPrograms(), limit, stale);
  }

  private summaryIndex(): Promise<SummaryIndex> {
    this.index ??= (async () => {
      const index = new SummaryIndex();
      const programs = await this.listPrograms();
      // Read 64 at a time: the files are small, and a restart's first list waits for all of them.
      for (let i = 0; i < programs.length; i += 64) {
        const texts = await Promise.all(programs.slice(i, i + 64).map(async (program) => ({ program, text: await readFile(this.summaryPath(program), 'utf8').catch(() => null) })));
        for (const { program, text } of texts) {
          if (text === null) continue;
          try {
            const record = JSON.parse(text) as SummaryRecord;
            // Only a cache: one for another program's path, or unreadable, is as good as none.
            if (record.program === program) index.keep(record);
          } catch {
            // made again as missing
          }
        }
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
