/**
 * The in-toto Statement v1 an attestation carries: subjects (the commits a GO approves) and a Simple
 * Verification Result predicate (in-toto attestation/svr v0.1) whose verifier is Cutover. What SVR
 * leaves to the verifier (its version, the policy it applied) is in `verifier`, as SVR's extension
 * fields; the policy is a ResourceDescriptor of the definition in force, annotated with the ledger
 * head and the events the GO rests on. The JSON Schema kept for it: schemas/in-toto-statement-svr.schema.json.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AttestedSubject } from '../domain/attestation.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SVR_PREDICATE_TYPE = 'https://in-toto.io/attestation/svr/v0.1';
/** Versioned, as SVR recommends: a new version when what is checked changes materially. */
export const CUTOVER_VERIFIER_ID = 'https://cutover.dev/attestation/decision/v1';

/** The property a GO is attested by: `CUTOVER_DECISION_<decision>_GO`. */
export function goProperty(decision: string): string {
  return `CUTOVER_DECISION_${decision}_GO`;
}

const Hex40 = Type.String({ pattern: '^[0-9a-f]{40}$' });
const Hash = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const EventRef = Type.Object({ seq: Type.Integer({ minimum: 1 }), hash: Hash });

const Subject = Type.Object({
  name: Type.String({ minLength: 1 }),
  digest: Type.Union([Type.Object({ gitCommit: Hex40 }, { additionalProperties: false }), Type.Object({ gitTag: Hex40 }, { additionalProperties: false })]),
});

/** What a verifier of a Cutover attestation reads; other fields are ignored, as in-toto's parsing rules ask. */
const CutoverStatement = Type.Object({
  _type: Type.Literal(STATEMENT_TYPE),
  subject: Type.Array(Subject, { minItems: 1 }),
  predicateType: Type.Literal(SVR_PREDICATE_TYPE),
  predicate: Type.Object({
    verifier: Type.Object({
      id: Type.Literal(CUTOVER_VERIFIER_ID),
      version: Type.Object({ cutover: Type.String() }),
      policy: Type.Object({
        name: Type.String({ minLength: 1 }),
        digest: Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
        annotations: Type.Object({
          program: Type.String({ minLength: 1 }),
          decision: Type.String({ minLength: 1 }),
          outcome: Type.Literal('GO'),
          definitionSeq: Type.Integer({ minimum: 1 }),
          head: Hash,
          seq: Type.Integer({ minimum: 1 }),
          goEvents: Type.Array(EventRef),
          evidenceEvents: Type.Array(EventRef),
        }),
      }),
    }),
    timeCreated: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' }),
    properties: Type.Array(Type.String()),
  }),
});

export type Statement = Static<typeof CutoverStatement>;
export type PolicyAnnotations = Statement['predicate']['verifier']['policy']['annotations'];

const check = TypeCompiler.Compile(CutoverStatement);

export interface StatementInput {
  readonly subjects: readonly AttestedSubject[];
  readonly version: string;
  readonly time: string;
  readonly definitionDigest: string;
  readonly policy: PolicyAnnotations;
}

export function buildStatement(s: StatementInput): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: s.subjects.map((x) => ({ name: x.name, digest: { ...x.digest } })) as Statement['subject'],
    predicateType: SVR_PREDICATE_TYPE,
    predicate: {
      verifier: {
        id: CUTOVER_VERIFIER_ID,
        version: { cutover: s.version },
        policy: { name: s.policy.program, digest: { sha256: s.definitionDigest.replace(/^sha256:/, '') }, annotations: s.policy },
      },
      timeCreated: s.time,
      properties: [goProperty(s.policy.decision)],
    },
  };
}

/** The payload read as a Cutover statement, or what is wrong with it (for the reason verify gives). */
export function readStatement(payload: Buffer): { readonly ok: true; readonly statement: Statement } | { readonly ok: false; readonly reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `the payload is not JSON (${(e as Error).message})` };
  }
  if (check.Check(json)) {
    const statement = json;
    if (!statement.predicate.properties.includes(goProperty(statement.predicate.verifier.policy.annotations.decision))) {
      return { ok: false, reason: `the statement's properties do not include ${goProperty(statement.predicate.verifier.policy.annotations.decision)}` };
    }
    return { ok: true, statement };
  }
  const first = check.Errors(json).First()!;
  return { ok: false, reason: `the payload is not a Cutover in-toto Statement: at ${first.path || '/'}, ${first.message} (found ${JSON.stringify(first.value)?.slice(0, 80)})` };
}
