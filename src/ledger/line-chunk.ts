/** Complete ledger lines as bytes, however they were read (a file in chunks, lines from a store). */

/** Complete lines, each ending in a newline, as bytes; `offset` is where they start in the file (-1: not from a file). */
export interface LineChunk {
  readonly bytes: Buffer;
  readonly offset: number;
}

/** The lines of a chunk, decoded, without their newlines. */
export function linesOf(chunk: Buffer): string[] {
  const lines = chunk.toString('utf8').split('\n');
  lines.pop(); // the chunk ends with a newline
  return lines;
}
