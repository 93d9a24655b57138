/** Worker for `check-pool.ts`: checks each chunk of lines it is given and reports only the faults. */
import { parentPort } from 'node:worker_threads';
import { linesOf } from './line-chunk.js';
import { forEachCheck } from './line-check.js';
import type { LineFault } from './check-pool.js';

parentPort!.on('message', async ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  const faults: LineFault[] = [];
  await forEachCheck(linesOf(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), (check, index) => {
    if (!check.ok) faults.push({ index, fault: check.fault, detail: check.detail, seq: check.seq });
  });
  parentPort!.postMessage({ id, faults });
});
