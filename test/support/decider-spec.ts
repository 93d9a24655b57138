/**
 * Domain tests as given / when / then, over the real decider: `decide` (src/domain/decide.ts) and
 * `evolve` (src/domain/state.ts).
 *
 *   given(publishTarget(), ...allEvidence())
 *     .when(verdict(P, 'runtime-cutover', 'GO'))
 *     .then([{ type: 'verdict.cast', actor: ROLE.producerApprover, data: { ... } }]);
 *   given().when(startPhase('9')).thenError(InvalidTransitionError, 'Phase 7');
 *
 * The given history is recorded the way the CLI records it: each command decided on the state before
 * it, its events sealed and signed by their actor's key, then folded. A history the policy refuses
 * fails the test there, naming the step. Time is part of the history, never a shared clock: a step
 * carries its own `at`, or takes the time of the `at(...)` group it is in, or else comes one minute
 * after the event before it (the program is defined at `start`). A `Given` is a value: `and` and
 * `then` return a new one, so one history can be the start of several tests.
 */
import { expect } from 'vitest';
import { decide, type Command, type Decided, type TargetCheckFacts } from '../../src/domain/decide.js';
import { evaluate, type Evaluation } from '../../src/domain/evaluate.js';
import type { EventDraft, LedgerEvent } from '../../src/domain/events.js';
import { evolve, initialState, type ProgramState } from '../../src/domain/state.js';
import type { CutoverError } from '../../src/errors.js';
import { seal } from '../../src/ledger/chain.js';
import { C, evidenceInput, FILE, P, programFixture, ROLE, SHA_A, SHA_C, VERIFIED, type CommandInput, type ProgramFixture } from './program.js';

/** When the program is defined unless a spec says otherwise. */
export const START = '2026-02-01T09:01:00.000Z';
const STEP_MS = 60_000;

/**
 * One step of a history: a command (its `at` optional), a function of the state before it (for
 * commands that depend on it, such as evidence for the current target), a list of steps, or a group
 * of steps dated at one time (`at`).
 */
export type Step = CommandInput | ((state: ProgramState) => Step) | readonly Step[] | Dated;

class Dated {
  constructor(
    readonly at: string,
    readonly steps: readonly Step[],
  ) {}
}

/** Date `steps` at `iso` (a command that gives its own `at` keeps it). */
export function at(iso: string, ...steps: Step[]): Step {
  return new Dated(isoTime(iso), steps);
}

export interface SpecOptions {
  /** The program, with a key for every role (default: the standard template, fresh keys). */
  readonly fixture?: ProgramFixture;
  /** When the program is defined (default START). */
  readonly start?: string;
}

export interface Decider {
  readonly fixture: ProgramFixture;
  /** Nothing recorded, not even the definition; its first undated step comes at `start`. */
  readonly emptyLedger: Given;
  /** The program defined by its log owner at `start`, then `history`. */
  given(...history: Step[]): Given;
}

export function decider(options: SpecOptions = {}): Decider {
  const fixture = options.fixture ?? programFixture();
  const emptyLedger = new Given(fixture, [], initialState(), isoTime(options.start ?? START));
  return { fixture, emptyLedger, given: (...history) => emptyLedger.and(defineProgram(fixture), ...history) };
}

/** The standard program (fresh keys), defined at START, then `history`. */
export function given(...history: Step[]): Given {
  return decider().given(...history);
}

/** A history: the sealed events, and the state they fold to. */
export class Given {
  constructor(
    readonly fixture: ProgramFixture,
    readonly events: readonly LedgerEvent[],
    readonly state: ProgramState,
    private readonly firstAt: string,
  ) {}

  /** The time an undated step gets: one minute after the last event. */
  get nextAt(): string {
    return this.state.lastAt === null ? this.firstAt : new Date(Date.parse(this.state.lastAt) + STEP_MS).toISOString();
  }

  /** This history, then `more`; a step the policy refuses fails the test, naming it. */
  and(...more: Step[]): Given {
    return more.reduce<Given>((g, step) => g.grow(step, undefined), this);
  }

  /** Decide one command on this history's state. */
  when(step: Step): When {
    const command = this.commandOf(step, undefined);
    return new When(this, command, decide(this.state, command));
  }

  /** The evaluation of this history at `now` (default: the time of its last event). */
  evaluate(now: string | Date = this.state.lastAt ?? this.firstAt): Evaluation {
    return evaluate(this.state, typeof now === 'string' ? new Date(now) : now);
  }

  /** This history with `drafts` appended as decided at `at`: sealed, signed by their actor, folded. */
  record(drafts: readonly EventDraft[], at: string): Given {
    let { events, state } = this;
    for (const draft of drafts) {
      const signer = this.fixture.signers[draft.actor];
      if (signer === undefined) throw new Error(`the fixture has no key for role ${draft.actor}`);
      const event = seal(draft, { program: this.fixture.definition.program.id, seq: state.seq + 1, at, prev: state.head }, signer);
      events = [...events, event];
      state = evolve(state, event);
    }
    return new Given(this.fixture, events, state, this.firstAt);
  }

  private grow(step: Step, groupAt: string | undefined): Given {
    if (step instanceof Dated) return step.steps.reduce<Given>((g, s) => g.grow(s, step.at), this);
    if (Array.isArray(step)) return (step as readonly Step[]).reduce<Given>((g, s) => g.grow(s, groupAt), this);
    if (typeof step === 'function') return this.grow(step(this.state), groupAt);
    const command = dated(step as CommandInput, groupAt ?? this.nextAt);
    const decided = decide(this.state, command);
    if (!decided.ok) {
      throw new Error(`given: step ${this.state.seq + 1} (${describeCommand(command)}) was refused: ${describeError(decided.error)}`);
    }
    return this.record(decided.events, command.at);
  }

  private commandOf(step: Step, groupAt: string | undefined): Command {
    if (step instanceof Dated) return this.commandOf(single(step.steps), step.at);
    if (Array.isArray(step)) return this.commandOf(single(step as readonly Step[]), groupAt);
    if (typeof step === 'function') return this.commandOf(step(this.state), groupAt);
    return dated(step as CommandInput, groupAt ?? this.nextAt);
  }
}

function single(steps: readonly Step[]): Step {
  if (steps.length !== 1) throw new Error(`when takes one command, not ${steps.length}: put the ones before it in given`);
  return steps[0]!;
}

function dated(command: CommandInput, fallback: string): Command {
  return { ...command, at: isoTime(command.at ?? fallback) } as Command;
}

function isoTime(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${text}`);
  return new Date(ms).toISOString();
}

/** A command decided on a history: then the events it records, or then the error it is refused with. */
export class When {
  constructor(
    readonly given: Given,
    readonly command: Command,
    readonly decided: Decided,
  ) {}

  /**
   * The command records exactly `expected` (type, actor and data of each event, in order; an event or
   * its data may be an asymmetric matcher such as expect.objectContaining). Returns the history with them.
   */
  then(expected: readonly EventDraft[]): Given {
    // An object with a `then` is awaited as a promise; say so rather than fail obscurely.
    if (typeof expected === 'function') throw new Error('a When is not a promise: do not await or return it');
    const what = describeCommand(this.command);
    const decided = this.decided;
    expect(decided.ok, `${what}\nexpected to record:\n${listDrafts(expected)}\nrefused: ${decided.ok ? '' : describeError(decided.error)}`).toBe(true);
    if (!decided.ok) throw new Error('unreachable');
    const actual = decided.events.map(({ type, actor, data }) => ({ type, actor, data }));
    const wanted = expected.map((e) => (isMatcher(e) ? e : { type: e.type, actor: e.actor, data: e.data }));
    expect(actual, `${what}\nexpected to record:\n${listDrafts(expected)}\nrecorded:\n${listDrafts(actual)}`).toEqual(wanted);
    return this.given.record(decided.events, this.command.at);
  }

  /**
   * The command is refused with an error of `kind` whose message holds every part (a string it
   * contains, or a pattern it matches). Returns the error, typed, for what else a test checks.
   */
  thenError<E extends CutoverError>(kind: abstract new (...args: never[]) => E, ...parts: (string | RegExp)[]): E {
    const what = describeCommand(this.command);
    const decided = this.decided;
    expect(decided.ok, `${what}\nexpected a refusal (${kind.name}), recorded:\n${decided.ok ? listDrafts(decided.events) : ''}`).toBe(false);
    if (decided.ok) throw new Error('unreachable');
    const error = decided.error;
    expect(error, `${what}\nexpected a refusal (${kind.name}), refused: ${describeError(error)}`).toBeInstanceOf(kind);
    for (const part of parts) {
      if (typeof part === 'string') expect(error.message, `${what}: the ${error.code} refusal's message`).toContain(part);
      else expect(error.message, `${what}: the ${error.code} refusal's message`).toMatch(part);
    }
    return error as E;
  }
}

function describeCommand(command: Command): string {
  return `${command.type} by ${command.actor} at ${command.at}`;
}

function describeError(error: CutoverError): string {
  return `${error.name} (${error.code}): ${error.message}`;
}

function listDrafts(drafts: readonly { readonly type: string; readonly actor: string; readonly data: unknown }[]): string {
  if (drafts.length === 0) return '  (no events)';
  return drafts.map((d) => (isMatcher(d) ? `  - ${JSON.stringify(d, showMatchers)}` : `  - ${d.type} by ${d.actor} ${JSON.stringify(d.data, showMatchers)}`)).join('\n');
}

function isMatcher(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';
}

/** Asymmetric matchers print as what they match, not as their internals. */
function showMatchers(_key: string, value: unknown): unknown {
  if (!isMatcher(value)) return value;
  const matcher = value as { toString(): string; sample?: unknown };
  return `<${matcher.toString()} ${JSON.stringify(matcher.sample, showMatchers) ?? ''}>`;
}

// Steps of the story, by the roles that take them.

const approverOf = (party: string) => (party === P ? ROLE.producerApprover : ROLE.consumerApprover);

/** The program definition, by the joint decision-log owner. */
export function defineProgram(fixture: ProgramFixture, actor: string = ROLE.logOwner): CommandInput {
  return { type: 'define-program', actor, definition: fixture.definition, digest: fixture.digest, fileDigest: FILE };
}

export function publishTarget(tag = 'v3.0.0', sha = SHA_A, check: TargetCheckFacts | null = VERIFIED): CommandInput {
  return { type: 'publish-target', actor: ROLE.producerApprover, target: { tag, sha, contracts: { service: 'service.v3' } }, as: 'candidate', check };
}

export function publishBaseline(tag = 'v2.9.0', sha = SHA_C): CommandInput {
  return { type: 'publish-target', actor: ROLE.producerApprover, target: { tag, sha, contracts: { service: 'service.v2' } }, as: 'baseline', check: VERIFIED };
}

export type EvidenceKind = 'handoff-payload' | 'repin' | 'rollback-execution' | 'rollback-drill' | 'verification-run' | 'artifact';

/**
 * Evidence of a kind from a party's approver, as its collector would bring it, for the target in
 * play. Rollback evidence runs at the rollback target: with none yet, the default baseline is
 * published first.
 */
export function evidence(party: string, kind: EvidenceKind, result: 'pass' | 'fail' = 'pass'): Step {
  return (state) =>
    (kind === 'rollback-execution' || kind === 'rollback-drill') && state.rollbackTarget === null
      ? [publishBaseline(), evidence(party, kind, result)]
      : { type: 'add-evidence', actor: approverOf(party), party, evidence: evidenceInput(state, kind, result, party) };
}

/** Everything the runtime cutover needs, for the current target. */
export function allEvidence(): Step[] {
  return [evidence(P, 'handoff-payload'), evidence(C, 'repin'), evidence(P, 'rollback-execution'), evidence(C, 'rollback-execution')];
}

export function verdict(party: string, decision: string, value: 'GO' | 'NO-GO', note?: string): CommandInput {
  return { type: 'cast-verdict', actor: approverOf(party), decision, verdict: value, ...(note === undefined ? {} : { note }) };
}

export function startPhase(phase: string): CommandInput {
  return { type: 'start-phase', actor: ROLE.logOwner, phase };
}

export function closePhase(phase: string, reason = 'closed'): CommandInput {
  return { type: 'close-phase', actor: ROLE.logOwner, phase, reason };
}

export function completePhase(phase: string, reason = 'completed'): CommandInput {
  return { type: 'complete-phase', actor: ROLE.logOwner, phase, reason };
}

/** Phase 7 run and closed, v2.9.0 the baseline, v3.0.0 published with all its evidence. */
export const READY_FOR_GO: readonly Step[] = [publishBaseline('v2.9.0', SHA_C), startPhase('7'), closePhase('7', 'decision recorded'), publishTarget('v3.0.0', SHA_A), ...allEvidence()];

/** The story up to GO and past it: v3.0.0 promoted to baseline by Phase 8, Phase 9 running. */
export const AFTER_GO: readonly Step[] = [
  ...READY_FOR_GO,
  verdict(P, 'runtime-cutover', 'GO'),
  verdict(C, 'runtime-cutover', 'GO'),
  startPhase('8'),
  completePhase('8', 'cutover complete'),
  startPhase('9'),
];

/** An envelope mismatch identified at `identifiedAt` and declared at `when`, as INC-1 by the producer's incident commander. */
export function declareIncident(when = '2026-03-10T14:47:00Z', identifiedAt = '2026-03-10T14:45:00Z'): Step {
  return at(when, { type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'non-2xx responses lack the error envelope', identifiedAt, id: 'INC-1' });
}
