/**
 * What a suite command leaves running when it ends: background jobs in its process group, and
 * processes that left the group (`setsid`, a daemon). Every process the command starts inherits a
 * marker in its environment; where /proc exists (Linux), the marked ones are found by it however
 * they detached. Only a process that clears its whole environment (`env -i`) escapes the marker.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const RUN_MARKER_ENV = 'CUTOVER_RUN_ID';

export function newRunMarker(): string {
  return randomUUID();
}

/** Processes (other than this one) whose environment carries `marker`; empty where /proc is not available. */
export function markedProcesses(marker: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`${RUN_MARKER_ENV}=${marker}\0`);
  const found: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`).includes(needle)) found.push(Number(name));
    } catch {
      // gone already, or not ours to read
    }
  }
  return found;
}

function signal(target: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false; // ESRCH: gone
  }
}

/** Anything left of the group led by `pid`, or marked with `marker`, still running? */
function anyLeft(pid: number, marker: string): boolean {
  return signal(-pid, 0) || markedProcesses(marker).length > 0;
}

/**
 * End everything the command left behind: SIGTERM to its group and to every marked process, then,
 * for what is still there after `graceMs`, SIGKILL. Resolves once nothing is left (or all were killed).
 */
export async function endLeftovers(pid: number, marker: string, graceMs: number): Promise<void> {
  const terminate = (sig: NodeJS.Signals) => {
    signal(-pid, sig);
    for (const p of markedProcesses(marker)) signal(p, sig);
  };
  terminate('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!anyLeft(pid, marker)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  terminate('SIGKILL');
}
