/**
 * A defined program in memory, for domain tests: the standard template with a fresh key per role,
 * and a decider specification in the given/when/then style.
 */
import { expect } from 'vitest';
import { decide, type Command, type Decided } from '../../src/domain/decide.js';
import { evaluate, type Evaluation } from '../../src/domain/evaluate.js';
import type { EventDraft, LedgerEvent } from '../../src/domain/events.js';
import { evolve, initialState, type ProgramState } from '../../src/domain/state.js';
import { seal } from '../../src/ledger/chain.js';
import { generateKeyPair, signerFromPem, type Signer } from '../../src/ledger/keys.js';
import { parseDefinition } from '../../src/program/parse-definition.js';
import type { ProgramDefinition } from '../../src/program/schema.js';
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

export interface ProgramFixture {
  readonly definition: ProgramDefinition;
  readonly digest: string;
  readonly signers: Readonly<Record<string, Signer>>;
  readonly pems: Readonly<Record<string, string>>;
}

/** The standard bilateral template with a fresh Ed25519 key for every role. */
export function programFixture(edit: (def: ProgramDefinition) => ProgramDefinition = (d) => d): ProgramFixture {
  const base = parseDefinition(
    standardTemplate({ programId: 'memorykernel-service-v3', producer: 'MemoryKernel', consumer: 'AssistSupport', contract: 'service.v3' }),
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

/** A program as a growing ledger: record commands, decide against it, evaluate it. */
export class Scenario {
  state: ProgramState = initialState();
  readonly events: LedgerEvent[] = [];

  constructor(readonly fixture: ProgramFixture = programFixture()) {
    this.record({ type: 'define-program', actor: ROLE.logOwner, at: tick(), definition: fixture.definition, digest: fixture.digest, fileDigest: FILE });
  }

  decide(command: CommandInput): Decided {
    return decide(this.state, { at: tick(), ...command } as Command);
  }

  /** Decide and append; fails the test when the command is refused. */
  record(command: CommandInput): LedgerEvent[] {
    const decided = this.decide(command);
    if (!decided.ok) throw new Error(`refused: ${decided.error.message}`);
    return decided.events.map((draft) => this.append(draft, command.at));
  }

  append(draft: EventDraft, at: string = tick()): LedgerEvent {
    const event = seal(draft, { program: 'memorykernel-service-v3', seq: this.state.seq + 1, at, prev: this.state.head }, this.fixture.signers[draft.actor]!);
    this.events.push(event);
    this.state = evolve(this.state, event);
    return event;
  }

  evaluate(now: Date = new Date(clock)): Evaluation {
    return evaluate(this.state, now);
  }

  // Steps of the story, by the roles that take them.
  publishTarget(tag = 'v3.0.0', sha = SHA_A): void {
    this.record({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag, sha, contracts: { service: 'service.v3' } }, as: 'candidate' });
  }

  evidence(party: string, kind: 'handoff-payload' | 'repin' | 'rollback-execution' | 'rollback-drill' | 'verification-run', result: 'pass' | 'fail' = 'pass'): void {
    const actor = party === P ? ROLE.producerApprover : ROLE.consumerApprover;
    this.record({ type: 'add-evidence', actor, kind, party, result, summary: `${kind} ${result}`, artifact: { path: `evidence/${kind}.json`, sha256: `sha256:${'0'.repeat(64)}` } });
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
