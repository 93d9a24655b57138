/**
 * A JSONL file read in chunks of whole lines, and its last line read from the end: what lets a
 * ledger of any length be verified in bounded memory and appended to without reading it.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { LineChunk } from '../ledger/line-chunk.js';

export { linesOf, type LineChunk } from '../ledger/line-chunk.js';

/** Bytes after the last newline: a crash in the middle of an append. */
export interface TornTail {
  readonly offset: number;
  readonly bytes: number;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Read `path` from `from` in chunks of whole lines. `onTorn` hears of a partial last line. The
 * chunks are fresh buffers the caller may keep or hand to another thread.
 */
export async function* readLineChunks(path: string, from = 0, onTorn?: (tail: TornTail) => void, chunkBytes = CHUNK_BYTES): AsyncGenerator<LineChunk> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    let position = from;
    let start = from;
    let carry: Buffer = Buffer.alloc(0);
    for (;;) {
      const buffer = Buffer.allocUnsafe(carry.length + chunkBytes);
      carry.copy(buffer, 0);
      const { bytesRead } = await handle.read(buffer, carry.length, chunkBytes, position);
      position += bytesRead;
      const data = buffer.subarray(0, carry.length + bytesRead);
      if (bytesRead === 0) {
        if (data.length > 0) onTorn?.({ offset: start, bytes: data.length });
        return;
      }
      const end = data.lastIndexOf(10) + 1;
      if (end === 0) {
        carry = Buffer.from(data);
        continue;
      }
      carry = Buffer.from(data.subarray(end));
      yield { bytes: data.subarray(0, end), offset: start };
      start += end;
    }
  } finally {
    await handle.close();
  }
}

export interface FileTail {
  /** The file's size in bytes (0: empty or missing). */
  readonly size: number;
  /** The last complete line, without its newline; null when there is none. */
  readonly lastLine: string | null;
  /** Where the complete lines end (the size, unless the file ends in a partial line). */
  readonly end: number;
}

/** The end of a file: its last complete line and any partial line after it, read backwards. */
export async function readTail(handle: FileHandle): Promise<FileTail> {
  const { size } = await handle.stat();
  let window = Math.min(size, 64 << 10);
  for (;;) {
    const buffer = Buffer.allocUnsafe(window);
    await handle.read(buffer, 0, window, size - window);
    const end = buffer.lastIndexOf(10) + 1; // past the last newline, within the window
    if (end === 0 && window < size) {
      window = Math.min(size, window * 4);
      continue;
    }
    if (end === 0) return { size, lastLine: null, end: 0 };
    const before = end >= 2 ? buffer.lastIndexOf(10, end - 2) : -1;
    if (before === -1 && window < size) {
      window = Math.min(size, window * 4);
      continue;
    }
    return { size, lastLine: buffer.toString('utf8', before + 1, end - 1), end: size - window + end };
  }
}
