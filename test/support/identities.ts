/** Programs whose definitions name OpenID Connect identities, signed with the example's demo keys, to post to a server under test. */
import { readFileSync } from 'node:fs';
import type { EventDraft, LedgerEvent } from '../../src/domain/events.js';
import { digestOf } from '../../src/ledger/canonical.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { signerFromPem } from '../../src/ledger/keys.js';
import type { IdentityDefinition, ProgramDefinition } from '../../src/program/schema.js';
import { demoKey } from './cli.js';
import { exampleLines } from './server.js';

export const LOG_OWNER = 'integration-program-owner';
export const RELEASE_OWNER = 'memorykernel-release-owner';
export const RUNTIME_OWNER = 'assistsupport-runtime-owner';

export interface Identities {
  readonly roles: Readonly<Record<string, readonly IdentityDefinition[]>>;
  readonly readers?: readonly IdentityDefinition[];
  readonly relays?: readonly IdentityDefinition[];
}

/** The example's definition under another id (or its own), with these identities: its program.defined line, signed by the log owner's demo key. */
export function definedWith(program: string, identities: Identities): string {
  const first = JSON.parse(exampleLines()[0]!) as LedgerEvent & { data: { definition: ProgramDefinition; file: string } };
  const base = first.data.definition;
  const definition: ProgramDefinition = {
    ...base,
    program: { ...base.program, id: program },
    roles: base.roles.map((r) => (identities.roles[r.id] === undefined ? r : { ...r, identities: [...identities.roles[r.id]!] })),
    ...(identities.readers === undefined ? {} : { readers: [...identities.readers] }),
    ...(identities.relays === undefined ? {} : { relays: [...identities.relays] }),
  };
  const draft = { type: 'program.defined', actor: LOG_OWNER, data: { definition, digest: digestOf(definition), file: first.data.file } } as EventDraft;
  return serialize(seal(draft, { program, seq: 1, at: first.at, prev: null }, signerFromPem(readFileSync(demoKey(LOG_OWNER), 'utf8'))));
}

export async function request(url: string, token: string | undefined, init: RequestInit = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(url, { ...init, headers });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

export async function post(server: string, program: string, expectedHead: string | null, lines: readonly string[], token?: string) {
  const r = await request(`${server}/v1/programs/${program}/events`, token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expectedHead, lines }) });
  return { status: r.status, body: JSON.parse(r.text) as { error?: { code: string; message: string } } };
}
