/** Worker for `check-pool.ts`: checks its share of lines and reports only the faults. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkLine } from './chain.js';
import type { LineFault } from './check-pool.js';

const lines = workerData as string[];
const faults: LineFault[] = lines.map((line) => {
  const check = checkLine(line);
  return check.ok ? null : { fault: check.fault, detail: check.detail, seq: check.seq };
});
parentPort!.postMessage(faults);
