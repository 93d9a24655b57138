/**
 * A defined program in memory, for domain tests: the standard template with a fresh key per role,
 * what its collectors would bring as evidence, and the older imperative `Scenario`. New tests use
 * the given/when/then spec in decider-spec.ts.
 */
import { expect } from 'vitest';
import { createHash } from 'node:crypto';
import { decide, type Command, type Decided, type EvidenceInput, type TargetCheckFacts } from '../../src/domain/decide.js';
import { buildHandoff, handoffProducer } from '../../src/domain/handoff.js';
import { handoffEvidence } from '../../src/domain/handoff-schema.js';
import type { RepinFacts } from '../../src/domain/pins.js';
import { evaluate, type Evaluation } from '../../src/domain/evaluate.js';
import type { EventDraft, LedgerEvent, RunData } from '../../src/domain/events.js';
import { evidenceTarget, evolve, initialState, repinKey, type ProgramState } from '../../src/domain/state.js';
import { seal } from '../../src/ledger/chain.js';
import { generateKeyPair, signerFromPem, type Signer } from '../../src/ledger/keys.js';
import { parseDefinition } from '../../src/program/parse-definition.js';
import type { ProgramDefinition, TargetDefinition } from '../../src/program/schema.js';
import { standardTemplate } from '../../src/program/template.js';

export const P = 'memorykernel';
export const C = 'assistsupport';
export const ROLE = {
  producerIc: 'memorykernel-incident-commander',
  consumerIc: 'assistsupport-incident-commander',
  producerApprover: 'memorykernel-release-owner',
  consumerApprover: 'assistsupport-runtime-owner',
  logOwner: 'integration-program-owner',
} as const;

/** Stands for the sha256 of a cutover.yaml file the definition was read from. */
export const FILE = `sha256:${'f'.repeat(64)}`;
export const SHA_A = 'a1'.repeat(20);
export const SHA_B = 'b2'.repeat(20);
export const SHA_C = 'c3'.repeat(20);
const DIGEST = `sha256:${'0'.repeat(64)}`;

/** What the producer's repository says of a good pair: an annotated tag on exactly that commit. */
export const VERIFIED: TargetCheckFacts = { ok: true, facts: { annotated: true, tagObject: 'd4'.repeat(20) }, problems: [] };

/** A run of a one-command suite, passed or failed. */
export function run(passed: boolean): RunData {
  const stream = { sha256: DIGEST, bytes: 0, tail: [] };
  return {
    suite: 'contract',
    host: 'ci-runner',
    head: SHA_C,
    startedAt: '2026-02-09T00:00:00.000Z',
    durationMs: 1200,
    passed,
    commands: [{ id: 'contract-tests', run: 'sh ci/contract-tests.sh', exitCode: passed ? 0 : 1, signal: null, timedOut: false, durationMs: 1200, stdout: stream, stderr: stream, passed }],
    skipped: [],
  };
}

/** The consumer's pin-set files, as an atomic repin to `target` leaves them (standard template pins). */
export function repinFacts(target: TargetDefinition, commit = 'e5'.repeat(20)): RepinFacts {
  const manifest = '{"name":"memorykernel","contracts":["service.v3"]}\n';
  const manifestSha = createHash('sha256').update(manifest).digest('hex');
  const pinned = JSON.stringify({ release_tag: target.tag, commit_sha: target.sha, expected_service_contract_version: target.contracts.service, manifest_sha256: manifestSha });
  const file = (text: string, blob: string) => ({ text, blob: blob.repeat(40), sha256: `sha256:${createHash('sha256').update(text).digest('hex')}` });
  const files = {
    'config/memorykernel-runtime-target.json': file(pinned, '1'),
    'docs/RUNTIME_PIN.md': file(`| MemoryKernel | ${target.tag} | ${target.sha} |\n`, '2'),
    'vendor/memorykernel/manifest.json': file(manifest, '3'),
  };
  return { commit, changed: Object.keys(files), files };
}

/**
 * Evidence of a kind, as its collector would bring it, for the target evidence is taken against in
 * `state` (the candidate, or the restored baseline after a rollback). Rollback evidence runs where it
 * counts: the producer at the rollback target, the consumer pinned to it; `state` must have one.
 */
export function evidenceInput(state: ProgramState, kind: string, result: 'pass' | 'fail' = 'pass', party: string = P): EvidenceInput {
  const target = evidenceTarget(state);
  if (target === null) throw new Error(`${kind} evidence needs a published target`);
  switch (kind) {
    case 'handoff-payload': {
      const def = state.definition!;
      return handoffEvidence('handoff.json', DIGEST, buildHandoff(def, handoffProducer(def)!, target, '2026-02-09T00:00:00.000Z'));
    }
    case 'repin':
      return { kind, facts: repinFacts(target) };
    case 'verification-run': {
      // Run where a run counts: the producer at the target's commit, a consumer at its repin commit.
      const facts = repinFacts(target);
      const commit = party === P ? target.sha : (state.repinCommits[repinKey(party, target)] ?? facts.commit);
      const checkout = { path: '/ci/checkout', commit, files: party === P ? {} : facts.files };
      return { kind, run: { ...run(result === 'pass'), head: commit }, checkout };
    }
    case 'rollback-drill':
    case 'rollback-execution': {
      const rollbackTarget = state.rollbackTarget;
      if (rollbackTarget === null) throw new Error(`${kind} evidence needs a rollback target: publish a baseline first`);
      const checkout = { path: '/ci/checkout', commit: rollbackTarget.sha, files: repinFacts(rollbackTarget).files };
      return { kind, verdict: result === 'fail' ? 'FAIL' : kind === 'rollback-drill' ? 'READY' : 'PASS', run: { ...run(result === 'pass'), head: rollbackTarget.sha }, checkout };
    }
    default:
      return { kind: 'artifact', file: 'evidence/artifact.bin', sha256: DIGEST, bytes: 1 };
  }
}

export interface ProgramFixture {
  readonly definition: ProgramDefinition;
  readonly digest: string;
  readonly signers: Readonly<Record<string, Signer>>;
  readonly pems: Readonly<Record<string, string>>;
}

/** The standard bilateral template with a fresh Ed25519 key for every role. */
export function programFixture(edit: (def: ProgramDefinition) => ProgramDefinition = (d) => d): ProgramFixture {
  const base = parseDefinition(
    standardTemplate({ programId: 'memorykernel-service-v3', producer: 'MemoryKernel', consumers: ['AssistSupport'], contract: 'service.v3' }),
    'cutover.yaml',
  ).definition;
  const pems: Record<string, string> = {};
  const signers: Record<string, Signer> = {};
  const roles = base.roles.map((r) => {
    const { privateKeyPem, publicKey } = generateKeyPair();
    pems[r.id] = privateKeyPem;
    signers[r.id] = signerFromPem(privateKeyPem);
    return { ...r, keys: [publicKey] };
  });
  const definition = edit({ ...base, roles });
  const digest = parseDefinition(JSON.stringify(definition), 'cutover.yaml').digest;
  return { definition, digest, signers, pems };
}

/** A command without its time (the scenario's clock supplies it unless given). */
export type CommandInput = Command extends infer C ? (C extends { at: string } ? Omit<C, 'at'> & { at?: string } : never) : never;

let clock = Date.parse('2026-02-01T09:00:00Z');
/** A strictly increasing time, one minute apart. */
export function tick(): string {
  clock += 60_000;
  return new Date(clock).toISOString();
}

/**
 * A program as a growing ledger: record commands, decide against it, evaluate it.
 * @deprecated Dated by the module's shared clock; use `given(...).when(...).then(...)` from
 * decider-spec.ts. Kept while test/ledger (verify, the property specs) and test/render still use it.
 */
export class Scenario {
  state: ProgramState = initialState();
  readonly events: LedgerEvent[] = [];

  constructor(readonly fixture: ProgramFixture = programFixture()) {
    this.record({ type: 'define-program', actor: ROLE.logOwner, at: tick(), definition: fixture.definition, digest: fixture.digest, fileDigest: FILE });
  }

  /** When set, steps without their own `at` are dated at this time instead of by the shared clock. */
  private fixedAt: string | null = null;

  /** Date the following steps at `iso` (a step may still give its own `at`). */
  setTime(iso: string): this {
    this.fixedAt = new Date(iso).toISOString();
    return this;
  }

  decide(command: CommandInput): Decided {
    return decide(this.state, { at: this.fixedAt ?? tick(), ...command } as Command);
  }

  /** Decide and append; fails the test when the command is refused. */
  record(command: CommandInput): LedgerEvent[] {
    const decided = this.decide(command);
    if (!decided.ok) throw new Error(`refused: ${decided.error.message}`);
    return decided.events.map((draft) => this.append(draft, command.at));
  }

  append(draft: EventDraft, at: string = this.fixedAt ?? tick()): LedgerEvent {
    const event = seal(draft, { program: 'memorykernel-service-v3', seq: this.state.seq + 1, at, prev: this.state.head }, this.fixture.signers[draft.actor]!);
    this.events.push(event);
    this.state = evolve(this.state, event);
    return event;
  }

  evaluate(now: Date = new Date(clock)): Evaluation {
    return evaluate(this.state, now);
  }

  // Steps of the story, by the roles that take them.
  publishTarget(tag = 'v3.0.0', sha = SHA_A, check: TargetCheckFacts | null = VERIFIED): void {
    this.record({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag, sha, contracts: { service: 'service.v3' } }, as: 'candidate', check });
  }

  publishBaseline(tag = 'v2.9.0', sha = SHA_C): void {
    this.record({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag, sha, contracts: { service: 'service.v2' } }, as: 'baseline', check: VERIFIED });
  }

  /** Evidence of a kind from a party, as its collector would bring it, for the current target. */
  evidence(party: string, kind: 'handoff-payload' | 'repin' | 'rollback-execution' | 'rollback-drill' | 'verification-run', result: 'pass' | 'fail' = 'pass'): void {
    const actor = party === P ? ROLE.producerApprover : ROLE.consumerApprover;
    this.record({ type: 'add-evidence', actor, party, evidence: this.evidenceInput(kind, result, party) });
  }

  evidenceInput(kind: string, result: 'pass' | 'fail' = 'pass', party: string = P): EvidenceInput {
    if ((kind === 'rollback-drill' || kind === 'rollback-execution') && this.state.rollbackTarget === null) this.publishBaseline();
    return evidenceInput(this.state, kind, result, party);
  }

  verdict(party: string, decision: string, verdict: 'GO' | 'NO-GO', note?: string): void {
    const actor = party === P ? ROLE.producerApprover : ROLE.consumerApprover;
    this.record({ type: 'cast-verdict', actor, decision, verdict, ...(note === undefined ? {} : { note }) });
  }

  phase(step: 'start' | 'close' | 'complete', phase: string, reason = `${step}d`): void {
    if (step === 'start') this.record({ type: 'start-phase', actor: ROLE.logOwner, phase });
    else this.record({ type: step === 'close' ? 'close-phase' : 'complete-phase', actor: ROLE.logOwner, phase, reason });
  }

  /** Everything the runtime cutover needs, for the current target. */
  allEvidence(): void {
    this.evidence(P, 'handoff-payload');
    this.evidence(C, 'repin');
    this.evidence(P, 'rollback-execution');
    this.evidence(C, 'rollback-execution');
  }
}

export function expectRefused(decided: Decided, code: string): Extract<Decided, { ok: false }>['error'] {
  expect(decided.ok, decided.ok ? `expected a refusal (${code}), got events` : '').toBe(false);
  const error = (decided as Extract<Decided, { ok: false }>).error;
  expect(error.code).toBe(code);
  return error;
}

export function blockerGates(ev: Evaluation): string[] {
  return ev.blockers.map((b) => b.gate);
}

/** The story up to GO and past it: v3.0.0 promoted to baseline by Phase 8, Phase 9 running. */
export function afterGo(): Scenario {
  const s = new Scenario();
  s.publishBaseline('v2.9.0', SHA_C);
  s.phase('start', '7');
  s.phase('close', '7', 'decision recorded');
  s.publishTarget('v3.0.0', SHA_A);
  s.allEvidence();
  s.verdict(P, 'runtime-cutover', 'GO');
  s.verdict(C, 'runtime-cutover', 'GO');
  s.phase('start', '8');
  s.phase('complete', '8', 'cutover complete');
  s.phase('start', '9');
  return s;
}

/** An envelope mismatch identified at 14:45:00Z on 2026-03-10 and declared at `at`, as INC-1. */
export function declared(s: Scenario, at = '2026-03-10T14:47:00Z', identifiedAt = '2026-03-10T14:45:00Z'): Scenario {
  s.setTime(at);
  s.record({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'non-2xx responses lack the error envelope', identifiedAt, id: 'INC-1' });
  return s;
}
