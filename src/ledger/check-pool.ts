/**
 * Line-local checks (canonical form, hash, Ed25519 signature) are independent per line, so a long
 * ledger is checked on every core. The linking rules then run in order, in `verifyLedger`.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LedgerEvent } from '../domain/events.js';
import type { LedgerFault } from '../errors.js';
import { checkLine, type LineCheck } from './chain.js';
import { verifyLedger, type LedgerText, type Verified } from './verify.js';

/** Below this many lines, starting workers costs more than it saves. */
const PARALLEL_FROM = 2000;

export type LineFault = { fault: LedgerFault; detail: string; seq: number | null } | null;

const workerFile = fileURLToPath(new URL('./check-worker.js', import.meta.url));

export interface VerifyOptions {
  /** Threads to check lines on; default: the cores available. 1 checks in this thread. */
  readonly threads?: number;
}

export async function verifyLedgerText(text: LedgerText, options: VerifyOptions = {}): Promise<Verified> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  // The worker exists only in the built package (dist/); from sources, check in this thread.
  if (threads === 1 || text.lines.length < PARALLEL_FROM || !existsSync(workerFile)) return verifyLedger(text);
  // This thread takes the first share itself (its checks yield the parsed events for free);
  // one worker per other core takes the rest. Only faults come back from the workers.
  const size = Math.ceil(text.lines.length / threads);
  const own = text.lines.slice(0, size);
  const pending = Array.from({ length: threads - 1 }, (_, i) => runWorker(text.lines.slice((i + 1) * size, (i + 2) * size)));
  const checks: LineCheck[] = own.map(checkLine);
  const faults = (await Promise.all(pending)).flat();
  for (let i = size; i < text.lines.length; i++) {
    const fault = faults[i - size];
    checks.push(fault == null ? { ok: true, event: JSON.parse(text.lines[i]!) as LedgerEvent } : { ok: false, ...fault });
  }
  return verifyLedger(text, checks);
}

function runWorker(lines: readonly string[]): Promise<LineFault[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: lines });
    worker.once('message', (faults: LineFault[]) => {
      resolve(faults);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
