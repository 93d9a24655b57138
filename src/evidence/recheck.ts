/** Every file recorded as evidence (artifacts, handoff payloads, metric analyses' samples), hashed again: changed or vanished ones are named. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerEvent } from '../domain/events.js';
import { sha256OfFile } from './files.js';

export interface FileFinding {
  readonly seq: number;
  readonly path: string;
  readonly recorded: string;
  readonly status: 'unchanged' | 'changed' | 'vanished';
  /** The sha256 found now, when it changed. */
  readonly now?: string;
}

export async function recheckRecordedFiles(programDir: string, events: readonly LedgerEvent[]): Promise<FileFinding[]> {
  const findings: FileFinding[] = [];
  for (const e of events) {
    if (e.type !== 'evidence.added') continue;
    const recorded = e.data.kind === 'artifact' || e.data.kind === 'handoff-payload' ? e.data : e.data.kind === 'metric-analysis' ? e.data.samples : null;
    if (recorded === null) continue;
    const file = join(programDir, recorded.file);
    if (!(await access(file).then(() => true, () => false))) {
      findings.push({ seq: e.seq, path: recorded.file, recorded: recorded.sha256, status: 'vanished' });
      continue;
    }
    const { sha256 } = await sha256OfFile(file);
    findings.push(sha256 === recorded.sha256 ? { seq: e.seq, path: recorded.file, recorded: recorded.sha256, status: 'unchanged' } : { seq: e.seq, path: recorded.file, recorded: recorded.sha256, status: 'changed', now: sha256 });
  }
  return findings;
}
