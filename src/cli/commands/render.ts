/** `render`: a record from the ledger, to stdout, to a file, or checked against a committed file. */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { evaluate } from '../../domain/evaluate.js';
import { invalidInput, UnknownNameError } from '../../errors.js';
import { renderDecisionRecord } from '../../render/decision-record.js';
import { EXIT, type CliIo } from '../io.js';
import type { RenderOptions } from '../options.js';
import { parseTime } from '../parse.js';
import { openDefined } from './context.js';

export async function render(o: RenderOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io);
  const def = ws.state.definition!;
  const record = def.records.find((r) => r.id === o.record);
  if (record === undefined) throw new UnknownNameError('record', o.record, def.records.map((r) => r.id));
  if (record.kind !== 'decision-record') {
    throw invalidInput({ source: ws.file.path, field: `records[${def.records.indexOf(record)}].kind`, expected: 'a record kind with a template (decision-record)', found: record.kind });
  }
  const now = o.at === undefined ? io.now() : new Date(parseTime('--at', o.at));
  const text = renderDecisionRecord(evaluate(ws.state, now), def, record);
  if (o.check !== undefined) {
    const file = resolve(io.cwd, o.check);
    const committed = await readFile(file, 'utf8').catch(() => null);
    if (committed === text) {
      io.stdout(`${o.check}: up to date with seq ${ws.state.seq}\n`);
      return EXIT.ok;
    }
    io.stderr(`${o.check}: ${committed === null ? 'missing' : 'differs from what the ledger renders now'} (seq ${ws.state.seq}, head ${ws.state.head})\n`);
    io.stderr(`  regenerate it: cutover render --record ${record.id} --out ${o.check}\n`);
    return EXIT.noGo;
  }
  if (o.out !== undefined) {
    await writeFile(resolve(io.cwd, o.out), text);
    io.stdout(`wrote ${o.out} (seq ${ws.state.seq})\n`);
  } else {
    io.stdout(text);
  }
  return EXIT.ok;
}
