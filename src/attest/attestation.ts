/**
 * Attestations of a decision, over the one verified program: `create` (GO at the head, or refused),
 * `cosign` (another role's signature on the same envelope), and `verify` (the signatures against the
 * keys the definition gave the roles at the named head, the head in the ledger, GO then and now, the
 * subjects). The domain judges (domain/attestation.ts); this module reads the ledger, signs and checks
 * signatures.
 */
import {
  attestedSubjects,
  blockersAt,
  decisionOf,
  describeSubject,
  firstNoGoAfter,
  goBasis,
  mayAttest,
  partiesWithoutSigner,
  subjectDifferences,
  type StoppedGo,
} from '../domain/attestation.js';
import { checkKey, rolesHoldingKey } from '../domain/authority.js';
import type { Blocker } from '../domain/evaluate.js';
import type { LedgerEvent } from '../domain/events.js';
import { replay, type ProgramState } from '../domain/state.js';
import { InvalidTransitionError, NotAuthorizedError, PolicyRefusalError, UnknownNameError, WrongKeyError, invalidInput } from '../errors.js';
import type { Signer } from '../ledger/keys.js';
import type { ProgramDefinition } from '../program/schema.js';
import type { Workspace } from '../app/workspace.js';
import { IN_TOTO_PAYLOAD_TYPE, keyIdOf, payloadBytes, signatureHolds, signEnvelope, type DsseEnvelope } from './dsse.js';
import { buildStatement, readStatement, type Statement } from './statement.js';

export interface Attester {
  readonly role: string;
  readonly signer: Signer;
  /** Where the key came from, for messages. */
  readonly from: string;
}

/** The role may attest (approver or automation) and the key is one of its keys under `def`. */
function checkAttester(def: ProgramDefinition, attester: Attester, where: string): void {
  const { role, signer, from } = attester;
  const known = def.roles.find((r) => r.id === role);
  if (known === undefined) throw new UnknownNameError('role', role, def.roles.map((r) => r.id));
  if (!mayAttest(def, role)) throw new NotAuthorizedError(role, 'sign an attestation', 'an approver or an automation role (duties: approver or automation)');
  if (checkKey(def, role, signer.publicKey) !== 'ok') {
    const holders = rolesHoldingKey(def, signer.publicKey);
    throw new WrongKeyError(
      `the key from ${from} (${signer.publicKey}) is not a key of role "${role}" in ${where}` +
        (holders.length > 0 ? ` (it belongs to ${holders.join(', ')})` : '') +
        `; ${role}'s keys there: ${known.keys.length ? known.keys.join(', ') : '(none)'}`,
      ['sign with the role\'s key (--key <file>, else $CUTOVER_KEY_<ROLE>, else the default key location)'],
    );
  }
}

function hashOf(events: readonly LedgerEvent[], seq: number): string {
  return events[seq - 1]!.hash;
}

/** An in-toto Statement about `decision`, GO at the head now, signed by `attester`. Refused when not GO. */
export async function createAttestation(ws: Workspace, decision: string, attester: Attester, now: Date, version: string): Promise<{ envelope: DsseEnvelope; statement: Statement }> {
  const { state } = ws;
  const def = state.definition!;
  const d = decisionOf(def, decision);
  if (d === undefined) throw new UnknownNameError('decision', decision, def.decisions.map((x) => x.id));
  checkAttester(def, attester, `the definition in force (seq ${state.definitionSeq})`);
  const blockers = blockersAt(state, d, now);
  if (blockers.length > 0) {
    throw new PolicyRefusalError(`${decision} is NO-GO at the head (seq ${state.seq}, ${state.head}): only a GO can be attested; ${blockers.length} blocker${blockers.length === 1 ? '' : 's'}`, blockers);
  }
  const subjects = attestedSubjects(state);
  if (!subjects.ok) throw new InvalidTransitionError(`nothing to attest for ${decision}: ${subjects.reason}`);
  const events = await ws.events();
  const basis = goBasis(state, d);
  const statement = buildStatement({
    subjects: subjects.subjects,
    version,
    time: now.toISOString(),
    definitionDigest: state.definitionDigest!,
    policy: {
      program: state.program!,
      decision,
      outcome: 'GO',
      definitionSeq: state.definitionSeq,
      head: state.head!,
      seq: state.seq,
      goEvents: basis.verdicts.map((seq) => ({ seq, hash: hashOf(events, seq) })),
      evidenceEvents: basis.evidence.map((seq) => ({ seq, hash: hashOf(events, seq) })),
    },
  });
  const unsigned = { payload: Buffer.from(JSON.stringify(statement), 'utf8').toString('base64'), payloadType: IN_TOTO_PAYLOAD_TYPE };
  return { envelope: { ...unsigned, signatures: [signEnvelope(unsigned, attester.signer)] }, statement };
}

/** The statement an envelope carries, when it is one of ours; else an input error naming the file. */
function statementOf(envelope: DsseEnvelope, source: string): Statement {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw invalidInput({ source, field: 'payloadType', expected: JSON.stringify(IN_TOTO_PAYLOAD_TYPE), found: JSON.stringify(envelope.payloadType) });
  const read = readStatement(payloadBytes(envelope));
  if (!read.ok) throw invalidInput({ source, field: 'payload', expected: 'a Cutover in-toto Statement', found: read.reason });
  return read.statement;
}

/** The program's state at the statement's head, or why the head is not in this ledger. */
function stateAtHead(events: readonly LedgerEvent[], policy: Statement['predicate']['verifier']['policy']['annotations']): { ok: true; state: ProgramState } | { ok: false; reason: string } {
  const at = events[policy.seq - 1];
  if (at === undefined) return { ok: false, reason: `head ${policy.head} (seq ${policy.seq}) is not in the ledger: it has ${events.length} event${events.length === 1 ? '' : 's'}` };
  if (at.hash !== policy.head) return { ok: false, reason: `head ${policy.head} (seq ${policy.seq}) is not in the ledger: its seq ${policy.seq} is ${at.hash}` };
  return { ok: true, state: replay(events.slice(0, policy.seq)) };
}

/** Add `attester`'s signature to the envelope; its key must be the role's at the attested head. */
export async function cosignAttestation(ws: Workspace, envelope: DsseEnvelope, source: string, attester: Attester): Promise<DsseEnvelope> {
  const statement = statementOf(envelope, source);
  const policy = statement.predicate.verifier.policy.annotations;
  if (policy.program !== ws.state.program) throw invalidInput({ source, field: 'predicate.verifier.policy.annotations.program', expected: `program "${ws.state.program}"`, found: JSON.stringify(policy.program) });
  const head = stateAtHead(await ws.events(), policy);
  if (!head.ok) throw new InvalidTransitionError(`cannot co-sign ${source}: ${head.reason}`);
  checkAttester(head.state.definition!, attester, `the definition at the attested head (seq ${policy.seq})`);
  const keyid = keyIdOf(attester.signer.publicKey);
  if (envelope.signatures.some((s) => s.keyid === keyid && signatureHolds(envelope, s, attester.signer.publicKey))) {
    throw new InvalidTransitionError(`${source} already carries a signature by this key of ${attester.role} (keyid ${keyid}); nothing was changed`);
  }
  return { ...envelope, signatures: [...envelope.signatures, signEnvelope(envelope, attester.signer)] };
}

/** A signature that verified, with the role whose key (at the attested head) made it. */
export interface SignedBy {
  readonly role: string;
  readonly party: string;
  readonly keyid: string;
}

export interface AttestationCheck {
  readonly ok: boolean;
  /** Why it does not verify (empty when it does). */
  readonly reasons: readonly string[];
  readonly statement: Statement | null;
  readonly signedBy: readonly SignedBy[];
  /** When the decision stopped being GO after the attested head (null: it did not, or the head is unknown). */
  readonly stopped: StoppedGo | null;
  /** The verified ledger's head now. */
  readonly head: { readonly seq: number; readonly hash: string | null };
}

export interface VerifyAsk {
  /** One verified signature per party, by a role of that party. */
  readonly requireParties: boolean;
  readonly now: Date;
  /** A commit (or tag object) that must be one of the subjects: the deploy job's own. */
  readonly commit?: string;
}

/** Each blocker on a line of its own, its details under it (the reason is printed as a list item). */
function explain(blockers: readonly Blocker[]): string {
  return blockers.map((b) => `\n    ${b.text}${b.details.map((d) => `\n      - ${d}`).join('')}`).join('');
}

/** Check an envelope against the verified program: every reason it fails, or none. */
export async function verifyAttestation(ws: Workspace, envelope: DsseEnvelope, ask: VerifyAsk): Promise<AttestationCheck> {
  const reasons: string[] = [];
  const head = { seq: ws.state.seq, hash: ws.state.head };
  const fail = (reason: string, statement: Statement | null = null): AttestationCheck => ({ ok: false, reasons: [...reasons, reason], statement, signedBy: [], stopped: null, head });
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail(`the payloadType is ${JSON.stringify(envelope.payloadType)}, not ${JSON.stringify(IN_TOTO_PAYLOAD_TYPE)}`);
  // An altered payload most often stops being a statement at all: say the signatures fail too.
  const read = readStatement(payloadBytes(envelope));
  if (!read.ok) return fail(`${read.reason}; it was altered or is not an attestation of a Cutover decision`);
  const { statement } = read;
  const policy = statement.predicate.verifier.policy.annotations;
  if (policy.program !== ws.state.program) return fail(`the attestation is about program "${policy.program}", the ledger is program "${ws.state.program}"`, statement);
  const events = await ws.events();
  const atHead = stateAtHead(events, policy);
  if (!atHead.ok) return fail(atHead.reason, statement);
  const then = atHead.state;
  const def = then.definition!;

  // Signatures: against the keys the definition at the head gave roles that may attest.
  const signedBy: SignedBy[] = [];
  const strangers: string[] = [];
  for (const signature of envelope.signatures) {
    // A keyid only narrows the keys to try (DSSE: never a security decision): one no role's key has, tries them all.
    const every = def.roles.flatMap((r) => r.keys.map((key) => ({ role: r, key })));
    const named = every.filter(({ key }) => keyIdOf(key) === signature.keyid);
    const holders = named.length > 0 ? named : every;
    const good = holders.filter(({ key }) => signatureHolds(envelope, signature, key));
    for (const { role } of good) {
      if (mayAttest(def, role.id)) signedBy.push({ role: role.id, party: role.party, keyid: signature.keyid });
      else strangers.push(`a signature by ${role.id} (keyid ${signature.keyid}), which may not attest (needs duties approver or automation)`);
    }
    if (good.length === 0) {
      strangers.push(
        named.length === 0
          ? `a signature with keyid ${signature.keyid || '(none)'}, by no key of any role at seq ${policy.seq}`
          : `a signature with keyid ${signature.keyid} (${named.map((h) => h.role.id).join(', ')}) that does not verify over this payload`,
      );
    }
  }
  if (signedBy.length === 0) {
    reasons.push(`no signature verifies with a key the definition at seq ${policy.seq} gives a role that may attest${strangers.length > 0 ? `: ${strangers.join('; ')}` : ' (the envelope has no signatures)'}`);
  } else if (ask.requireParties) {
    const missing = partiesWithoutSigner(def, signedBy.map((s) => s.role));
    if (missing.length > 0) reasons.push(`--require-parties: no signature by a role of ${missing.join(', ')}`);
  }

  if (statement.predicate.verifier.policy.digest.sha256 !== then.definitionDigest!.replace(/^sha256:/, '')) {
    reasons.push(`the policy digest ${statement.predicate.verifier.policy.digest.sha256} is not the definition in force at seq ${policy.seq} (${then.definitionDigest})`);
  }
  for (const ref of [...policy.goEvents, ...policy.evidenceEvents]) {
    const event = events[ref.seq - 1];
    if (event === undefined || event.seq > policy.seq || event.hash !== ref.hash) reasons.push(`event seq ${ref.seq} ${ref.hash} is not the ledger's event at that seq up to the head`);
  }

  // GO at the head, judged at the attestation's time; then every event since, each at its own time; then now.
  const d = decisionOf(def, policy.decision);
  let stopped: StoppedGo | null = null;
  if (d === undefined) {
    reasons.push(`the program defined no decision "${policy.decision}" at seq ${policy.seq}`);
  } else {
    const blockers = blockersAt(then, d, new Date(statement.predicate.timeCreated));
    if (blockers.length > 0) {
      reasons.push(`${policy.decision} was not GO at seq ${policy.seq}:${explain(blockers)}`);
    } else {
      stopped = firstNoGoAfter(then, events.slice(policy.seq), policy.decision);
      if (stopped !== null) {
        reasons.push(`${policy.decision} stopped being GO at seq ${stopped.seq} (${stopped.type}, ${stopped.at})${stopped.blockers.length > 0 ? `:${explain(stopped.blockers)}` : ': the decision is no longer defined'}`);
      } else {
        const dNow = decisionOf(ws.state.definition!, policy.decision)!;
        const nowBlockers = blockersAt(ws.state, dNow, ask.now);
        if (nowBlockers.length > 0) reasons.push(`${policy.decision} is not GO now (${ask.now.toISOString()}):${explain(nowBlockers)}`);
      }
    }
    const expected = attestedSubjects(then);
    if (!expected.ok) reasons.push(`the ledger names no subjects at seq ${policy.seq}: ${expected.reason}`);
    else reasons.push(...subjectDifferences(expected.subjects, statement.subject).map((s) => `${s} (at seq ${policy.seq} the decision approves ${expected.subjects.map(describeSubject).join(', ')})`));
  }
  if (ask.commit !== undefined && !statement.subject.some((s) => Object.values(s.digest).includes(ask.commit!))) {
    reasons.push(`commit ${ask.commit} is not among the subjects: the attested GO does not cover it (${statement.subject.map(describeSubject).join(', ')})`);
  }
  return { ok: reasons.length === 0, reasons, statement, signedBy, stopped, head };
}
