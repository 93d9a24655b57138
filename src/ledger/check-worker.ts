/** Worker for `check-pool.ts`: checks each chunk of lines it is given and reports only the faults. */
import { parentPort } from 'node:worker_threads';
import { linesOf } from './line-chunk.js';
import { checkLine } from './chain.js';
import type { LineFault } from './check-pool.js';

parentPort!.on('message', ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  const faults: LineFault[] = [];
  linesOf(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).forEach((line, index) => {
    const check = checkLine(line);
    if (!check.ok) faults.push({ index, fault: check.fault, detail: check.detail, seq: check.seq });
  });
  parentPort!.postMessage({ id, faults });
});
