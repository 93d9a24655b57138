/**
 * The producer's release handoff payload, version 1, as a TypeBox schema: the published JSON Schema
 * (`schemas/handoff-payload.schema.json`) and the check of a payload's shape. Apart from
 * `handoff.ts`, so that the policy (which re-decides every line of a ledger) loads no TypeBox: a
 * payload's shape is checked where the file is read, and the command carries what was found.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EnvelopePolicy, Target, type PartyDefinition, type ProgramDefinition, type TargetDefinition } from '../program/schema.js';
import type { EvidenceInput } from './decide.js';
import { HANDOFF_VERSION, handoffMismatches, type HandoffCheck, type HandoffShapeProblem } from './handoff.js';

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

let payloadCheck: ReturnType<typeof TypeCompiler.Compile<typeof HandoffPayload>> | undefined;

/** Where `payload` is not a version-1 payload (at most 20 places): field path and what is wrong. */
export function handoffShape(payload: unknown): HandoffShapeProblem[] {
  payloadCheck ??= TypeCompiler.Compile(HandoffPayload);
  if (payloadCheck.Check(payload)) return [];
  return [...payloadCheck.Errors(payload)].slice(0, 20).map((e) => ({
    field: e.path.slice(1).replace(/\//g, '.') || '(payload)',
    expected: e.message.replace(/^Expected /, ''),
    found: e.value === undefined ? 'nothing' : JSON.stringify(e.value),
  }));
}

/** A payload read from `file`, with its shape checked, as the policy takes it. */
export function handoffEvidence(file: string, sha256: string, payload: unknown): Extract<EvidenceInput, { kind: 'handoff-payload'; payload: unknown }> {
  return { kind: 'handoff-payload', file, sha256, payload, shape: handoffShape(payload) };
}

/** Check a payload against the schema, then against the program and the current target. */
export function checkHandoff(payload: unknown, def: ProgramDefinition, producer: PartyDefinition, target: TargetDefinition): HandoffCheck {
  const schema = handoffShape(payload);
  return schema.length > 0 ? { schema, mismatches: [] } : { schema: [], mismatches: handoffMismatches(payload as HandoffPayload, def, producer, target) };
}
