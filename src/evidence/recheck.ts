/** Every file recorded as evidence (artifacts, handoff payloads), hashed again: changed or vanished ones are named. */
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
    if (e.type !== 'evidence.added' || (e.data.kind !== 'artifact' && e.data.kind !== 'handoff-payload')) continue;
    const file = join(programDir, e.data.file);
    if (!(await access(file).then(() => true, () => false))) {
      findings.push({ seq: e.seq, path: e.data.file, recorded: e.data.sha256, status: 'vanished' });
      continue;
    }
    const { sha256 } = await sha256OfFile(file);
    findings.push(sha256 === e.data.sha256 ? { seq: e.seq, path: e.data.file, recorded: e.data.sha256, status: 'unchanged' } : { seq: e.seq, path: e.data.file, recorded: e.data.sha256, status: 'changed', now: sha256 });
  }
  return findings;
}
