/**
 * Reading a text file a program is made of (cutover.yaml, a record template): inside its folder,
 * of a sane size, and valid UTF-8. Invalid bytes are refused, not turned into U+FFFD and signed.
 */
import { readFile, stat } from 'node:fs/promises';
import { invalidInput } from '../errors.js';
import { existingFileInside } from './paths.js';

export interface TextFileRule {
  /** The folder the file must be in (symlinks resolved). */
  readonly root: string;
  readonly maxBytes: number;
  /** What the file should be, for "expected …" (`a cutover.yaml program definition`). */
  readonly what: string;
  /** How messages name the file, and the field that named it (`cutover.yaml`, `records[2].template`). */
  readonly source: string;
  readonly field?: string;
  readonly hints?: readonly string[];
}

export async function readTextInside(file: string, rule: TextFileRule): Promise<string> {
  const field = rule.field ?? '';
  const size = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw invalidInput({ source: rule.source, field, expected: rule.what, found: e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message) }, e.code === 'ENOENT' ? rule.hints ?? [] : []);
  });
  const { real } = await existingFileInside(rule.root, file, rule.source, field);
  if (size.size > rule.maxBytes) {
    throw invalidInput({ source: rule.source, field, expected: `${rule.what} of at most ${rule.maxBytes.toLocaleString('en-US')} bytes`, found: `${size.size.toLocaleString('en-US')} bytes` });
  }
  return decodeUtf8(await readFile(real), rule.source, field);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of `bytes`, or an error naming the line of the first byte that is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, source: string, field = ''): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const bad = firstInvalidByte(bytes);
    const line = bytes.subarray(0, bad).filter((b) => b === 0x0a).length + 1;
    throw invalidInput({ source, field, line, expected: 'text in UTF-8', found: `a byte that is not UTF-8 (0x${bytes[bad]!.toString(16).padStart(2, '0')} at byte ${bad})` });
  }
}

/** The offset of the first byte where `bytes` stops being UTF-8 (found by halving: the decoder does not say). */
function firstInvalidByte(bytes: Uint8Array): number {
  let good = 0;
  let bad = bytes.length;
  // Invariant: bytes[0, good) decodes (up to a sequence cut at its end); the error lies before `bad`.
  while (bad - good > 4) {
    const mid = (good + bad) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      good = mid;
    } catch {
      bad = mid;
    }
  }
  for (let i = good; i < bad; i++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, i + 1), { stream: true });
    } catch {
      return sequenceStart(bytes, i);
    }
  }
  return Math.max(0, bad - 1);
}

/** The decoder fails at the byte that breaks a sequence; name the sequence's first byte instead. */
function sequenceStart(bytes: Uint8Array, failed: number): number {
  for (let k = failed - 1; k >= Math.max(0, failed - 3); k--) {
    const b = bytes[k]!;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return failed - k < length ? k : failed;
  }
  return failed;
}
