/**
 * `verify`: the chain, every signature and the policy; with --recheck, what evidence claims. Exit 3 names the first bad line; exit 2 when cutover.yaml drifted.
 * What only --against and --recheck use (other copies, servers, git) loads only with them.
 */
import { bearerFor } from '../../app/server-tokens.js';
import { DefinitionDriftError, invalidInput } from '../../errors.js';
import type { ClaimFinding } from '../../evidence/recheck-claims.js';
import type { Workspace } from '../../app/workspace.js';
import { resolve } from 'node:path';
import { datedTooFarAhead } from '../../domain/clock-skew.js';
import { allowedSkew } from '../clock.js';
import { EXIT, type CliIo } from '../io.js';
import type { VerifyOptions } from '../options.js';
import { openDefined } from './context.js';

export async function verify(o: VerifyOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o, io, o.threads, true);
  const { state } = ws;
  const torn = ws.tornError('the ledger does not end cleanly');
  if (torn !== null) throw torn;
  warnIfDatedAhead(state.lastAt, state.seq, io);
  const against = o.against === undefined ? undefined : await compareAgainst(ws, o.against, io);
  const claims = o.recheck ? await (await import('../../evidence/recheck-claims.js')).recheckClaims(ws.dir, await ws.events(), repoDirs(o.repos ?? [], ws, io)) : undefined;
  const broken = claims?.filter((c) => c.status === 'broken') ?? [];
  if (o.json) {
    io.stdout(
      JSON.stringify({ ok: true, program: state.program, events: state.seq, head: state.head, definitionMatchesFile: !ws.drift, ...(against === undefined ? {} : { against: against.json }), ...(claims === undefined ? {} : { claims }) }, null, 2) + '\n',
    );
  } else {
    io.stdout(`ok: ${state.seq} event${state.seq === 1 ? '' : 's'}, chain, signatures and policy verify; head ${state.head}\n`);
    if (against !== undefined) io.stdout(`against ${o.against}: ${against.described}\n`);
    if (claims !== undefined) io.stdout(describeClaims(claims));
  }
  if (against !== undefined && against.code !== EXIT.ok) return against.code;
  if (broken.length > 0) return EXIT.noGo;
  if (ws.drift) {
    const owners = state.definition!.roles.filter((r) => r.duties.includes('decision-log-owner')).map((r) => r.id);
    throw new DefinitionDriftError(ws.file.path, (await ws.file.load()).digest, state.definitionDigest!, state.definitionSeq, owners);
  }
  return EXIT.ok;
}

/** `party=folder` pairs, each party one the program defines. */
function repoDirs(pairs: readonly string[], ws: Workspace, io: CliIo): Record<string, string> {
  const parties = ws.state.definition!.parties.map((p) => p.id);
  const dirs: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const party = pair.slice(0, eq);
    if (eq < 1 || eq === pair.length - 1 || !parties.includes(party)) {
      throw invalidInput({ source: '--repo', field: '', expected: `party=folder, the party one of ${parties.join(', ')}`, found: JSON.stringify(pair) });
    }
    dirs[party] = resolve(io.cwd, pair.slice(eq + 1));
  }
  return dirs;
}

function describeClaims(claims: readonly ClaimFinding[]): string {
  const lines = claims.map((c) => {
    const mark = c.status === 'holds' ? 'holds' : c.status === 'broken' ? 'NO LONGER HOLDS' : 'not checked';
    return `seq ${c.seq}  ${c.claim}: ${mark}${c.problems.length > 0 ? `\n    ${c.problems.join('\n    ')}` : ''}`;
  });
  const count = (s: ClaimFinding['status']) => claims.filter((c) => c.status === s).length;
  lines.push(`${count('broken') === 0 ? 'ok' : 'claims broken'}: ${count('holds')} hold, ${count('broken')} no longer hold, ${count('not-checked')} not checked`);
  return lines.join('\n') + '\n';
}

/**
 * Same 0, ahead 0 (the other side needs to sync from here), behind 1 (sync from it), forked 3.
 * Sync (and the definition parser and YAML it loads) is imported only here: a plain verify starts without it.
 */
async function compareAgainst(ws: Workspace, copy: string, io: CliIo): Promise<{ described: string; code: number; json: unknown }> {
  const { compareWith, describeComparison, readOtherCopy, verifyOtherCopy } = await import('../../app/sync.js');
  // A server's copy is fetched and verified here like any other copy: the server is not trusted.
  const remote = /^https?:\/\//.test(copy);
  const text = await readOtherCopy(remote ? copy : resolve(io.cwd, copy), '--against', { program: ws.state.program!, token: remote ? await bearerFor(copy, io.env, io.now()) : undefined });
  const comparison = await compareWith(ws, await verifyOtherCopy(text), text.source);
  const code = comparison.relation === 'behind' ? EXIT.noGo : comparison.relation === 'forked' ? EXIT.ledger : EXIT.ok;
  const json =
    comparison.relation === 'forked'
      ? { relation: 'forked', seq: comparison.seq, ours: pick(comparison.ours), theirs: pick(comparison.theirs) }
      : comparison.relation === 'same'
        ? { relation: 'same', seq: comparison.seq }
        : { relation: comparison.relation, by: comparison.by };
  return { described: describeComparison(comparison), code, json };
}

function pick(e: { seq: number; type: string; actor: string; at: string; hash: string }) {
  return { seq: e.seq, type: e.type, actor: e.actor, at: e.at, hash: e.hash };
}

/**
 * Events are in time order, so the last is the latest: dated further ahead of this machine's clock
 * than a writer may date a line, it makes every later event look earlier. The verifier's clock is not
 * the writer's, so this is a warning, never a failure.
 */
function warnIfDatedAhead(lastAt: string | null, seq: number, io: CliIo): void {
  if (lastAt === null) return;
  const skew = allowedSkew(undefined, io.env);
  if (datedTooFarAhead(lastAt, io.now(), skew.ms) === null) return;
  io.stderr(`cutover: warning: seq ${seq} is dated ${lastAt}, more than ${skew.from.replace(/^.*: /, '')} ahead of this machine's clock (${io.now().toISOString()}): every later event must be dated after it; if it is misdated, the decision-log owner can record the way out: cutover program correct-clock --reason TEXT\n`);
}
