/**
 * Two repositories, one truth: read another copy of this program's ledger (the other party's
 * checkout, or a bundle that travelled as one file), verify it on its own, compare, and
 * fast-forward when this copy is a prefix of it. A fork changes nothing.
 */
import { access, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { LedgerEvent } from '../domain/events.js';
import { invalidInput, LedgerForkError } from '../errors.js';
import { verifyLedgerText } from '../ledger/check-pool.js';
import { compareLedgers, describeComparison, type Comparison } from '../ledger/compare.js';

// What a comparison of two copies came to, in words: the commands print it.
export { describeComparison, type Comparison };
import { serialize } from '../ledger/line.js';
import type { LedgerText, Verified } from '../ledger/verify.js';
import { tornLineError } from '../ledger/torn-line.js';
import { FileLedgerStore } from '../store/file-store.js';
import { checkedValue } from './checked-value.js';
import { admitIncoming } from './incoming-definitions.js';
import type { Workspace } from './workspace.js';

export const BUNDLE_VERSION = 1;

/** A ledger copy that travels as one file (an e-mail attachment, another CI's artifact). */
export const LedgerBundle = Type.Object(
  {
    version: Type.Literal(BUNDLE_VERSION),
    kind: Type.Literal('cutover-ledger-bundle'),
    program: Type.String({ minLength: 1 }),
    seq: Type.Integer({ minimum: 0 }),
    head: Type.Union([Type.String(), Type.Null()]),
    /** The ledger lines exactly as stored (canonical JSON), so they verify byte for byte. */
    lines: Type.Array(Type.String()),
  },
  { additionalProperties: false, $id: 'https://cutover.dev/schemas/ledger-bundle.schema.json', title: 'Cutover ledger bundle (version 1)' },
);
export type LedgerBundle = Static<typeof LedgerBundle>;

export async function bundleOf(ws: Workspace): Promise<LedgerBundle> {
  return { version: BUNDLE_VERSION, kind: 'cutover-ledger-bundle', program: ws.state.program!, seq: ws.state.seq, head: ws.state.head, lines: (await ws.events()).map(serialize) };
}

export async function writeBundle(ws: Workspace, file: string): Promise<void> {
  await writeFile(file, JSON.stringify(await bundleOf(ws), null, 1) + '\n');
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** The ledger text of another copy: a program folder, a `.cutover` folder, a ledger file, a bundle, or the program on a server (a URL). */
export async function readOtherCopy(pathOrDir: string, flag: string, server?: { readonly program: string; readonly token?: string | undefined }): Promise<LedgerText> {
  if (server !== undefined && /^https?:\/\//.test(pathOrDir)) {
    const { HttpLedgerStore } = await import('../store/http-store.js');
    return new HttpLedgerStore(pathOrDir, server.token).read(server.program);
  }
  const path = resolve(pathOrDir);
  for (const candidate of [join(path, '.cutover', 'ledger.jsonl'), join(path, 'ledger.jsonl')]) {
    if (await exists(candidate)) return new FileLedgerStore({ dir: join(candidate, '..'), fileName: () => 'ledger.jsonl' }).read('.');
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw invalidInput({ source: `${flag} ${pathOrDir}`, field: '', expected: 'a program folder (with .cutover/ledger.jsonl), a ledger file, or a bundle from cutover export', found: (e as NodeJS.ErrnoException).code ?? 'unreadable' });
  }
  if (text.trimStart().startsWith('{"actor"') || text === '') {
    const parts = text.split('\n');
    const last = parts.pop()!;
    return last === '' ? { source: path, lines: parts } : { source: path, lines: parts, torn: { line: parts.length + 1, bytes: Buffer.byteLength(last), keepBytes: Buffer.byteLength(text) - Buffer.byteLength(last) } };
  }
  return { source: path, lines: parseBundle(text, path).lines };
}

function parseBundle(text: string, source: string): LedgerBundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalidInput({ source, field: '', expected: 'a ledger bundle (JSON) or a ledger (JSONL)', found: (e as Error).message });
  }
  return checkedValue(LedgerBundle, value, { source, whole: '(bundle)' });
}

/** Verify another copy on its own (its chain and every signature); a torn tail is not accepted here. */
export async function verifyOtherCopy(text: LedgerText): Promise<Verified> {
  const verified = await verifyLedgerText(text);
  if (verified.torn !== undefined) throw tornLineError(text.source, verified.torn, 'the other copy is not complete');
  return verified;
}

export interface SyncResult {
  readonly comparison: Comparison;
  readonly appended: readonly LedgerEvent[];
  readonly workspace: Workspace;
}

export async function compareWith(ws: Workspace, other: Verified, source: string): Promise<Comparison> {
  if (other.state.program !== null && ws.state.program !== null && other.state.program !== ws.state.program) {
    throw invalidInput({ source, field: 'program', expected: `a copy of program "${ws.state.program}"`, found: JSON.stringify(other.state.program) });
  }
  return compareLedgers(await ws.events(), other.events);
}

/** Bring this copy up to the other: fast-forward when it is behind, refuse a fork, change nothing otherwise. */
export async function syncFrom(ws: Workspace, other: Verified, source: string): Promise<SyncResult> {
  if (ws.torn !== undefined) throw tornLineError(ws.ledgerSource, ws.torn, 'nothing was synced');
  const comparison = await compareWith(ws, other, source);
  if (comparison.relation === 'forked') throw new LedgerForkError(comparison.seq, `${source}: ${describeComparison(comparison)}`);
  if (comparison.relation !== 'behind') return { comparison, appended: [], workspace: ws };
  await admitIncoming(ws, other.events.slice(comparison.common), source);
  const appended = await ws.program.appendFrom(other, comparison.common);
  await ws.recheckDrift();
  return { comparison, appended, workspace: ws };
}
