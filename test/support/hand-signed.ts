/** Events signed by hand with the demo keys, appended to a program folder's ledger as another party's tool would. */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventDraft } from '../../src/domain/events.js';
import { digestOf } from '../../src/ledger/canonical.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { signerFromPem } from '../../src/ledger/keys.js';
import type { ProgramDefinition } from '../../src/program/schema.js';
import { parse } from 'yaml';
import { demoKey } from './cli.js';

export const LOG_OWNER = 'integration-program-owner';

/** Append `draft`, signed by its actor's demo key, after the last event of `program`'s ledger. */
export function appendSigned(program: string, draft: EventDraft, at = '2026-02-09T08:00:00.000Z'): void {
  const file = join(program, '.cutover/ledger.jsonl');
  const last = JSON.parse(readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!);
  const event = seal(draft, { program: last.program, seq: last.seq + 1, at, prev: last.hash }, signerFromPem(readFileSync(demoKey(draft.actor), 'utf8')));
  appendFileSync(file, serialize(event) + '\n');
}

/** The program's cutover.yaml as data, edited: what a hand-made amendment would carry. */
export function editedDefinition(program: string, edit: (def: ProgramDefinition) => void): ProgramDefinition {
  const def = parse(readFileSync(join(program, 'cutover.yaml'), 'utf8')) as ProgramDefinition;
  edit(def);
  return def;
}

/** An amendment recorded by hand (no checks but the signature's), as a careless or hostile copy may hold. */
export function amendByHand(program: string, edit: (def: ProgramDefinition) => void): void {
  const definition = editedDefinition(program, edit);
  appendSigned(program, { type: 'program.amended', actor: LOG_OWNER, data: { definition, digest: digestOf(definition), file: `sha256:${'0'.repeat(64)}`, reason: 'by hand' } } as EventDraft);
}
