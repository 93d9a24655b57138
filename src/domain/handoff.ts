/**
 * The producer's release handoff payload, version 1: what the producer hands the consumers for
 * one target. Generated from the ledger and the program; checked against the schema and against
 * the current target (error codes compared as sets). Pure.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EnvelopePolicy, Target, type PartyDefinition, type ProgramDefinition, type TargetDefinition } from '../program/schema.js';

export const HANDOFF_VERSION = 1;

export const HandoffPayload = Type.Object(
  {
    version: Type.Literal(HANDOFF_VERSION),
    program: Type.String({ minLength: 1 }),
    producer: Type.String({ minLength: 1 }),
    target: Target,
    error_codes: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
    non_2xx_envelope: Type.Record(Type.String({ minLength: 1 }), EnvelopePolicy, { description: 'contract version → requires / optional / forbids' }),
    verification_commands: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), run: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
    generated_at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z$' }),
    consumer_impact: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'https://cutover.dev/schemas/handoff-payload.schema.json', title: 'Producer release handoff payload (version 1)' },
);

export type HandoffPayload = Static<typeof HandoffPayload>;

/** The producer party and its handoff section; null when the program defines none. */
export function handoffProducer(def: ProgramDefinition): PartyDefinition | null {
  return def.parties.find((p) => p.kind === 'producer' && p.handoff !== undefined) ?? null;
}

function verificationCommands(producer: PartyDefinition): { id: string; run: string }[] {
  const suites = producer.suites ?? [];
  const suite = producer.handoff?.suite === undefined ? suites[0] : suites.find((s) => s.id === producer.handoff?.suite);
  return (suite?.commands ?? []).map((c) => ({ id: c.id, run: c.run }));
}

export function buildHandoff(def: ProgramDefinition, producer: PartyDefinition, target: TargetDefinition, generatedAt: string): HandoffPayload {
  const handoff = producer.handoff!;
  return {
    version: HANDOFF_VERSION,
    program: def.program.id,
    producer: producer.id,
    target: { tag: target.tag, sha: target.sha, contracts: { ...target.contracts } },
    error_codes: [...handoff.error_codes].sort(),
    non_2xx_envelope: { ...handoff.non_2xx_envelope },
    verification_commands: verificationCommands(producer),
    generated_at: generatedAt,
    consumer_impact: handoff.consumer_impact,
  };
}

export interface HandoffCheck {
  /** The payload is not a version-1 payload: field path and what is wrong. */
  readonly schema: readonly { readonly field: string; readonly expected: string; readonly found: string }[];
  /** It is one, but does not match the program and the current target. */
  readonly mismatches: readonly string[];
}

let payloadCheck: ReturnType<typeof TypeCompiler.Compile<typeof HandoffPayload>> | undefined;

export function checkHandoff(payload: unknown, def: ProgramDefinition, producer: PartyDefinition, target: TargetDefinition): HandoffCheck {
  payloadCheck ??= TypeCompiler.Compile(HandoffPayload);
  if (!payloadCheck.Check(payload)) {
    const schema = [...payloadCheck.Errors(payload)].slice(0, 20).map((e) => ({
      field: e.path.slice(1).replace(/\//g, '.') || '(payload)',
      expected: e.message.replace(/^Expected /, ''),
      found: e.value === undefined ? 'nothing' : JSON.stringify(e.value),
    }));
    return { schema, mismatches: [] };
  }
  const expected = buildHandoff(def, producer, target, payload.generated_at);
  const mismatches: string[] = [];
  if (payload.program !== expected.program) mismatches.push(`program is "${payload.program}", expected "${expected.program}"`);
  if (payload.producer !== expected.producer) mismatches.push(`producer is "${payload.producer}", expected "${expected.producer}"`);
  if (payload.target.tag !== target.tag || payload.target.sha !== target.sha) {
    mismatches.push(`target is ${payload.target.tag} @ ${payload.target.sha}, but the current target is ${target.tag} @ ${target.sha}`);
  }
  mismatches.push(...differences('contract', payload.target.contracts, expected.target.contracts));
  const given = new Set(payload.error_codes);
  const wanted = new Set(expected.error_codes);
  const missing = [...wanted].filter((c) => !given.has(c)).sort();
  const unexpected = [...given].filter((c) => !wanted.has(c)).sort();
  if (missing.length > 0) mismatches.push(`error codes missing from the payload: ${missing.join(', ')}`);
  if (unexpected.length > 0) mismatches.push(`unexpected error codes in the payload: ${unexpected.join(', ')}`);
  mismatches.push(...differences('non-2xx envelope policy for', payload.non_2xx_envelope, expected.non_2xx_envelope));
  const commands = (list: readonly { id: string; run: string }[]) => list.map((c) => `${c.id}: ${c.run}`).join('; ');
  if (commands(payload.verification_commands) !== commands(expected.verification_commands)) {
    mismatches.push(`verification commands are [${commands(payload.verification_commands)}], expected [${commands(expected.verification_commands)}]`);
  }
  if (payload.consumer_impact !== expected.consumer_impact) mismatches.push('the consumer impact statement differs from the program\'s');
  return { schema: [], mismatches };
}

function differences(what: string, given: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): string[] {
  const keys = [...new Set([...Object.keys(given), ...Object.keys(wanted)])].sort();
  return keys.flatMap((k) =>
    given[k] === wanted[k] ? [] : [`${what} ${k} is ${given[k] === undefined ? 'missing' : `"${given[k]}"`}, expected ${wanted[k] === undefined ? 'none' : `"${wanted[k]}"`}`],
  );
}
