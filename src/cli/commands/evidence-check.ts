/** `evidence check`: every recorded file (artifacts, handoff payloads) hashed again; changed or vanished ones named. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256OfFile } from '../../evidence/files.js';
import { EXIT, type CliIo } from '../io.js';
import type { EvidenceCheckOptions } from '../options.js';
import { openDefined } from './context.js';

interface FileFinding {
  readonly seq: number;
  readonly path: string;
  readonly recorded: string;
  readonly status: 'unchanged' | 'changed' | 'vanished';
  readonly now?: string;
}

export async function evidenceCheck(o: EvidenceCheckOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io);
  const findings: FileFinding[] = [];
  for (const e of ws.events) {
    if (e.type !== 'evidence.added' || (e.data.kind !== 'artifact' && e.data.kind !== 'handoff-payload')) continue;
    const file = join(ws.dir, e.data.file);
    const exists = await access(file).then(() => true, () => false);
    if (!exists) {
      findings.push({ seq: e.seq, path: e.data.file, recorded: e.data.sha256, status: 'vanished' });
      continue;
    }
    const { sha256 } = await sha256OfFile(file);
    findings.push({ seq: e.seq, path: e.data.file, recorded: e.data.sha256, status: sha256 === e.data.sha256 ? 'unchanged' : 'changed', ...(sha256 === e.data.sha256 ? {} : { now: sha256 }) });
  }
  const bad = findings.filter((f) => f.status !== 'unchanged');
  if (o.json) {
    io.stdout(JSON.stringify({ ok: bad.length === 0, files: findings }, null, 2) + '\n');
  } else {
    for (const f of findings) {
      const why = f.status === 'changed' ? `CHANGED: recorded ${f.recorded}, now ${f.now}` : f.status === 'vanished' ? `VANISHED (recorded ${f.recorded})` : 'unchanged';
      io.stdout(`seq ${f.seq}  ${f.path}  ${why}\n`);
    }
    io.stdout(bad.length === 0 ? `ok: ${findings.length} recorded file${findings.length === 1 ? '' : 's'} unchanged\n` : `${bad.length} of ${findings.length} recorded files changed or vanished\n`);
  }
  return bad.length === 0 ? EXIT.ok : EXIT.noGo;
}
