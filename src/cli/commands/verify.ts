/** `verify`: the chain and every signature. Exit 3 names the first bad line; exit 2 when cutover.yaml drifted. */
import { DefinitionDriftError } from '../../errors.js';
import { tornLineError } from '../../ledger/verify.js';
import { compareWith, readOtherCopy, verifyOtherCopy } from '../../app/sync.js';
import type { Workspace } from '../../app/workspace.js';
import { describeComparison, type Comparison } from '../../ledger/compare.js';
import { resolve } from 'node:path';
import { EXIT, type CliIo } from '../io.js';
import type { VerifyOptions } from '../options.js';
import { openDefined } from './context.js';

export async function verify(o: VerifyOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io, o.threads);
  const { state } = ws;
  if (ws.torn !== undefined) throw tornLineError(ws.ledgerSource, ws.torn, 'the ledger does not end cleanly');
  const against = o.against === undefined ? undefined : await compareAgainst(ws, o.against, io);
  if (o.json) {
    io.stdout(JSON.stringify({ ok: true, program: state.program, events: state.seq, head: state.head, definitionMatchesFile: !ws.drift, ...(against === undefined ? {} : { against: against.json }) }, null, 2) + '\n');
  } else {
    io.stdout(`ok: ${state.seq} event${state.seq === 1 ? '' : 's'}, chain and signatures verify; head ${state.head}\n`);
    if (against !== undefined) io.stdout(`against ${o.against}: ${describeComparison(against.comparison)}\n`);
  }
  if (against !== undefined && against.code !== EXIT.ok) return against.code;
  if (ws.drift) {
    const owners = state.definition!.roles.filter((r) => r.duties.includes('decision-log-owner')).map((r) => r.id);
    throw new DefinitionDriftError(ws.file.path, (await ws.file.load()).digest, state.definitionDigest!, state.definitionSeq, owners);
  }
  return EXIT.ok;
}

/** Same 0, ahead 0 (the other side needs to sync from here), behind 1 (sync from it), forked 3. */
async function compareAgainst(ws: Workspace, copy: string, io: CliIo): Promise<{ comparison: Comparison; code: number; json: unknown }> {
  const text = await readOtherCopy(resolve(io.cwd, copy), '--against');
  const comparison = compareWith(ws, await verifyOtherCopy(text), text.source);
  const code = comparison.relation === 'behind' ? EXIT.noGo : comparison.relation === 'forked' ? EXIT.ledger : EXIT.ok;
  const json =
    comparison.relation === 'forked'
      ? { relation: 'forked', seq: comparison.seq, ours: pick(comparison.ours), theirs: pick(comparison.theirs) }
      : comparison.relation === 'same'
        ? { relation: 'same', seq: comparison.seq }
        : { relation: comparison.relation, by: comparison.by };
  return { comparison, code, json };
}

function pick(e: { seq: number; type: string; actor: string; at: string; hash: string }) {
  return { seq: e.seq, type: e.type, actor: e.actor, at: e.at, hash: e.hash };
}
