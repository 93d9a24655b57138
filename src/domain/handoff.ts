/**
 * The producer's release handoff payload, version 1: what the producer hands the consumers for
 * one target. Generated from the ledger and the program; checked against the current target (error
 * codes compared as sets). Its schema is in handoff-schema.ts. Pure.
 */
import type { PartyDefinition, ProgramDefinition, TargetDefinition } from '../program/schema.js';
import type { HandoffPayload } from './handoff-schema.js';

export const HANDOFF_VERSION = 1;

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

/** Where a payload is not a version-1 payload: field path and what is wrong. */
export interface HandoffShapeProblem {
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

export interface HandoffCheck {
  /** The payload is not a version-1 payload: field path and what is wrong. */
  readonly schema: readonly HandoffShapeProblem[];
  /** It is one, but does not match the program and the current target. */
  readonly mismatches: readonly string[];
}

/** How a version-1 payload differs from what the program and the current target say it must be. */
export function handoffMismatches(payload: HandoffPayload, def: ProgramDefinition, producer: PartyDefinition, target: TargetDefinition): string[] {
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
  return mismatches;
}

function differences(what: string, given: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): string[] {
  const keys = [...new Set([...Object.keys(given), ...Object.keys(wanted)])].sort();
  return keys.flatMap((k) =>
    given[k] === wanted[k] ? [] : [`${what} ${k} is ${given[k] === undefined ? 'missing' : `"${given[k]}"`}, expected ${wanted[k] === undefined ? 'none' : `"${wanted[k]}"`}`],
  );
}
