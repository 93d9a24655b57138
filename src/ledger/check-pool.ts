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
  const size = Math.ceil(text.lines.length / threads);
  const chunks = Array.from({ length: threads }, (_, i) => text.lines.slice(i * size, (i + 1) * size));
  const pending = chunks.map((lines) => runWorker(lines));
  // While the workers check hashes and signatures, parse here what the linking rules need.
  const parsed = text.lines.map((line) => {
    try {
      return JSON.parse(line) as LedgerEvent;
    } catch {
      return null;
    }
  });
  const faults = (await Promise.all(pending)).flat();
  const checks: LineCheck[] = text.lines.map((line, i) => {
    const fault = faults[i];
    if (fault != null) return { ok: false, ...fault };
    const event = parsed[i];
    return event == null ? checkLine(line) : { ok: true, event };
  });
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
