/** `verify`: the chain and every signature. Exit 3 names the first bad line; exit 2 when cutover.yaml drifted. */
import { DefinitionDriftError } from '../../errors.js';
import { tornLineError } from '../../ledger/verify.js';
import { EXIT, type CliIo } from '../io.js';
import type { VerifyOptions } from '../options.js';
import { openDefined } from './context.js';

export async function verify(o: VerifyOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io, o.threads);
  const { state } = ws;
  if (ws.torn !== undefined) throw tornLineError(ws.ledgerSource, ws.torn, 'the ledger does not end cleanly');
  if (o.json) {
    io.stdout(JSON.stringify({ ok: true, program: state.program, events: state.seq, head: state.head, definitionMatchesFile: !ws.drift }, null, 2) + '\n');
  } else {
    io.stdout(`ok: ${state.seq} events, chain and signatures verify; head ${state.head}\n`);
  }
  if (ws.drift) {
    const owners = state.definition!.roles.filter((r) => r.duties.includes('decision-log-owner')).map((r) => r.id);
    throw new DefinitionDriftError(ws.file.path, (await ws.file.load()).digest, state.definitionDigest!, state.definitionSeq, owners);
  }
  return EXIT.ok;
}
