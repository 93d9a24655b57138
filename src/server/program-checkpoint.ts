/**
 * A program's verified checkpoint on the server: the same sealed checkpoint as the CLI's
 * (`store/checkpoint.ts`: format version, fold identity, offset, seq, head, the 1 MiB block digests
 * of the ledger's bytes before it, the folded state), kept by the store beside the program's lines.
 *
 * Why a restart may trust it, and why only after re-hashing the lines it covers:
 * the events table refuses UPDATE, DELETE and TRUNCATE (a trigger, migration 2), but that only stops
 * honest mistakes. Its owner or a superuser can disable the trigger or set session_replication_role,
 * edit a row and put everything back, and nothing in the catalog remembers. So a checkpoint is used
 * only when the stored lines from seq 1 to its seq, streamed back in batches, hash to its block
 * digests again, end in its last line, and fill exactly its offset. That costs one read of the bytes
 * and a sha256 over them (no JSON parse, no hash chain, no signature, no fold), and it is what a
 * careful operator can check by hand: the digests are those of the program's JSONL file copy
 * (`cutover pull`), byte for byte. Anything that does not match (an edited, removed or reordered
 * row, another format version, another build's fold, a damaged checkpoint) is set aside with a
 * note, and the program is verified in full, which names the bad line.
 *
 * What it cannot do: whoever can rewrite the events table can rewrite this table too, checkpoint
 * and digests included. That holds for the lines themselves: the ledger's own hashes and signatures,
 * checked by `cutover verify --against URL` on a client, are what a server that must not be trusted
 * is held to, and that check never uses a checkpoint.
 */
import type { LedgerEvent } from '../domain/events.js';
import type { ProgramState } from '../domain/state.js';
import { BlockHasher, CHECKPOINT_VERSION, openCheckpoint, sealCheckpoint, type VerifiedPrefix } from '../store/checkpoint.js';
import type { CheckpointShelf } from '../store/ledger-store.js';
import type { VerifiedProgram } from './admit-events.js';

/** The digest of a program's lines so far, as its file copy would hold them (each line and its newline). */
export class LedgerDigest {
  private readonly hasher = BlockHasher.fromStart();
  private bytes = 0;
  private last: string | null = null;

  /** Take the next stored lines, in order. */
  add(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    this.hasher.update(bytes);
    this.bytes += bytes.length;
    this.last = lines[lines.length - 1]!;
  }

  get offset(): number {
    return this.bytes;
  }

  get lastLine(): string | null {
    return this.last;
  }

  blocks(): string[] {
    return this.hasher.digests();
  }
}

/** The checkpoint to keep for `program` verified up to its digest's last line. */
export function checkpointOf(program: VerifiedProgram, digest: LedgerDigest, fold: string): string {
  const checkpoint: VerifiedPrefix<ProgramState> = {
    version: CHECKPOINT_VERSION,
    fold,
    offset: digest.offset,
    seq: program.state.seq,
    head: program.state.head,
    blocks: digest.blocks(),
    state: program.state,
    last: digest.lastLine,
  };
  return sealCheckpoint(checkpoint);
}

export interface Resumed {
  /** The program as the checkpoint holds it. */
  readonly program: VerifiedProgram;
  /** The digest of the stored lines it covers, ready to take the lines after them. */
  readonly digest: LedgerDigest;
}

/**
 * The program at its kept checkpoint, once the stored lines before it are proved to be the ones it
 * verified; a note saying why not when it cannot be used; null when none is kept.
 */
export async function resumeAtCheckpoint(shelf: CheckpointShelf, program: string, fold: string): Promise<{ readonly resumed: Resumed } | { readonly note: string } | null> {
  const text = await shelf.checkpointOf(program);
  if (text === null) return null;
  const where = `the checkpoint of program ${program}`;
  const opened = openCheckpoint<VerifiedPrefix<ProgramState>>(text, where, fold);
  if ('note' in opened) return { note: opened.note };
  const cp = opened.checkpoint;
  if (cp.seq < 1 || cp.state.seq !== cp.seq || cp.state.head !== cp.head || cp.last === null) return { note: `${where} is corrupt (its state is not at its seq and head); verifying the whole ledger` };
  const digest = new LedgerDigest();
  let lines = 0;
  for await (const batch of shelf.lineBatches(program, 1, cp.seq)) {
    digest.add(batch);
    lines += batch.length;
  }
  const blocks = digest.blocks();
  const same = lines === cp.seq && digest.offset === cp.offset && digest.lastLine === cp.last && blocks.length === cp.blocks.length && blocks.every((b, i) => b === cp.blocks[i]);
  if (!same) {
    return { note: `${where} at seq ${cp.seq} no longer matches the stored lines before it (a row was edited, removed or replaced); verifying the whole ledger` };
  }
  return { resumed: { program: { state: cp.state, last: JSON.parse(cp.last) as LedgerEvent }, digest } };
}
