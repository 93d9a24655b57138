/** `evidence check`: every recorded file hashed again; exit 1 when one changed or vanished. */
import { recheckRecordedFiles } from '../../evidence/recheck.js';
import { EXIT, type CliIo } from '../io.js';
import type { EvidenceCheckOptions } from '../options.js';
import { openDefined } from './context.js';

export async function evidenceCheck(o: EvidenceCheckOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io);
  const findings = await recheckRecordedFiles(ws.dir, await ws.events());
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
