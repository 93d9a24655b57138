/** Worker for `check-pool.ts`: checks the seal of each line of the chunks it is given and reports only the faults. */
import { parentPort } from 'node:worker_threads';
import { sealFaultsOfChunk } from './line-check.js';

parentPort!.on('message', ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  parentPort!.postMessage({ id, faults: sealFaultsOfChunk(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) });
});
