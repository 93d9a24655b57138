/**
 * The `cutover.yaml` contract, version 1. This TypeBox schema is the one source of both the
 * TypeScript types and the published JSON Schema (`schemas/cutover.schema.json`).
 * Cross-references (a role's party exists, a phase's gates exist, …) are checked in `validate.ts`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_PIN_PATTERN_LENGTH } from './limits.js';

export { MAX_PIN_PATTERN_LENGTH };

const Id = (description: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', minLength: 1, maxLength: 80, description });

const Text = (description: string) => Type.String({ minLength: 1, description });

/** A program's id: in cutover.yaml, in the ledger, and in the server's URLs (one pattern for all). */
export const ProgramId = Id('program id, e.g. memorykernel-service-v3');

export const PUBLIC_KEY_PATTERN = '^ed25519:[A-Za-z0-9+/]{43}=$';

export const PartyKind = Type.Union([Type.Literal('producer'), Type.Literal('consumer')]);

/** What a pinned value must equal: the target's `tag`, its `sha`, or `contract.<name>` (a contract version). */
export const PinValue = Type.String({ pattern: '^(tag|sha|contract\\.[A-Za-z0-9_.-]+)$', description: 'tag, sha, or contract.<name>' });

const RepoPath = Type.String({ minLength: 1, pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$', description: 'a path inside the repository, with /' });

const POINTER = '^(/[^/]*)+$';
/** A variable name of a .env file, as shells and dotenv loaders accept it. */
const DOTENV_KEY = '^[A-Za-z_][A-Za-z0-9_.-]*$';
const LINE_PATTERN = `^[\\s\\S]{1,${MAX_PIN_PATTERN_LENGTH}}$`;

/** One file of a consumer's pin set, and what it must say about the target. */
const sameAsProducer = {
  same_as_producer: Type.Optional(
    Type.String({ minLength: 1, pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$', description: "the file must be byte-identical to this file of the producer's repository at the target commit" }),
  ),
};

export const Pin = Type.Union([
  Type.Object(
    {
      ...sameAsProducer,
      file: RepoPath,
      json: Type.Record(Type.String({ pattern: '^(/[^/]*)+$', description: 'a JSON Pointer (RFC 6901)' }), PinValue, {
        description: 'JSON Pointer → the target value it must equal',
      }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { ...sameAsProducer, file: RepoPath, markdown: Type.Literal('tag-and-sha', { description: 'a line (or table row) must contain both the tag and the SHA' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...sameAsProducer,
      file: RepoPath,
      sha256_at: Type.Object(
        { file: RepoPath, pointer: Type.String({ pattern: '^(/[^/]*)+$' }) },
        { additionalProperties: false, description: "this file's sha256 must equal the value at `pointer` of JSON file `file`" },
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object({ file: RepoPath, same_as_producer: Type.String({ minLength: 1, pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$' }) }, { additionalProperties: false }),
  Type.Object(
    {
      ...sameAsProducer,
      file: RepoPath,
      dotenv: Type.Record(Type.String({ pattern: DOTENV_KEY }), PinValue, { additionalProperties: false, description: 'a .env file: variable name → the target value it must equal (KEY=value lines)' }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { ...sameAsProducer, file: RepoPath, yaml: Type.Record(Type.String({ pattern: POINTER, description: 'a JSON Pointer (RFC 6901) into the YAML document' }), PinValue, { additionalProperties: false, description: 'path → the target value it must equal; scalars are read as written' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { ...sameAsProducer, file: RepoPath, toml: Type.Record(Type.String({ pattern: POINTER, description: 'a JSON Pointer (RFC 6901) into the TOML document' }), PinValue, { additionalProperties: false, description: 'path → the target value it must equal' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...sameAsProducer,
      file: RepoPath,
      pattern: Type.Record(Type.String({ pattern: LINE_PATTERN, description: `an RE2 pattern (linear time) of at most ${MAX_PIN_PATTERN_LENGTH} characters with one capture group, matched against each line` }), PinValue, {
        additionalProperties: false,
        description: 'pattern → the target value its capture group must equal on every line it matches (at least one)',
      }),
    },
    { additionalProperties: false },
  ),
]);

export const SuiteCommand = Type.Object(
  {
    id: Id('command id, shown in progress and records'),
    run: Text('a shell command line'),
    timeout_seconds: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }),
  },
  { additionalProperties: false },
);

export const Suite = Type.Object(
  { id: Id('suite id'), commands: Type.Array(SuiteCommand, { minItems: 1 }) },
  { additionalProperties: false },
);

export const EnvelopePolicy = Type.Union([Type.Literal('requires'), Type.Literal('optional'), Type.Literal('forbids')]);

/** What the producer's release handoff payload must say (besides the target). */
export const Handoff = Type.Object(
  {
    error_codes: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: 'the error-code set, compared as a set' }),
    non_2xx_envelope: Type.Record(Type.String({ minLength: 1 }), EnvelopePolicy, { description: 'contract version → the non-2xx envelope policy' }),
    consumer_impact: Text('the consumer impact statement'),
    suite: Type.Optional(Type.String({ minLength: 1, description: "the producer suite whose commands the payload lists (default: the producer's first suite)" })),
  },
  { additionalProperties: false },
);

export const Party = Type.Object(
  {
    id: Id('party id, e.g. memorykernel'),
    name: Text('display name, e.g. MemoryKernel'),
    kind: PartyKind,
    repo: Text('the repository this party keeps its records in, e.g. MemoryKernel'),
    checkout: Type.Optional(
      Text("where this party's git checkout is, relative to the program folder, e.g. ../MemoryKernel: the default for --repo and --cwd (CUTOVER_CHECKOUT_<PARTY> overrides it)"),
    ),
    pins: Type.Optional(Type.Array(Pin, { minItems: 1, description: 'a consumer: the files an atomic repin must change, and what each must say' })),
    suites: Type.Optional(Type.Array(Suite, { description: 'verification suites this party runs (cutover evidence run)' })),
    handoff: Type.Optional(Handoff),
  },
  { additionalProperties: false },
);

export const Duty = Type.Union(
  [
    Type.Literal('approver'),
    Type.Literal('incident-commander'),
    Type.Literal('rollback-owner'),
    Type.Literal('decision-log-owner'),
    Type.Literal('automation'),
    Type.Literal('security'),
  ],
  { description: 'what a role may do (security: a security owner, required as one of the approvals by require_duty)' },
);

/**
 * An identity that acts for a role (or reads, or relays): the issuer of its OpenID Connect tokens
 * and the claims a token must carry, all of them. A claim matches when it equals the value or, for a
 * list claim such as `groups`, contains it.
 */
export const Identity = Type.Object(
  {
    issuer: Type.String({ pattern: '^https?://[^\\s]+$', title: 'an issuer URL such as https://token.actions.githubusercontent.com', description: 'the token issuer, exactly as its tokens\' `iss` claim says, e.g. https://token.actions.githubusercontent.com' }),
    claims: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
      minProperties: 1,
      description: 'claim → value, all of which must match: a claim equal to the value, or a list claim (such as groups) containing it; e.g. { repository: acme/platform, ref: refs/heads/main }',
    }),
  },
  { additionalProperties: false },
);
const Identities = (description: string) => Type.Array(Identity, { description });

export const Role = Type.Object(
  {
    id: Id('role id, the `actor` of the events it signs'),
    title: Text('human title, e.g. MemoryKernel Release Owner'),
    party: Type.String({ minLength: 1, description: 'a party id, or "joint" for a role held jointly' }),
    duties: Type.Array(Duty, { uniqueItems: true }),
    keys: Type.Array(Type.String({ pattern: PUBLIC_KEY_PATTERN }), {
      uniqueItems: true,
      description: 'Ed25519 public keys (from `cutover keys generate`) whose signatures speak for this role',
    }),
    identities: Type.Optional(Identities('OpenID Connect identities that act for this role on a server: they may read the program and post the lines this role signs')),
  },
  { additionalProperties: false },
);

const DURATION_PATTERN = '^(?=\\d)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?$';
/** A duration: whole numbers with units, largest first (`15m`, `24h`, `1h30m`; units d h m s). */
const Duration = (description: string) => Type.String({ pattern: DURATION_PATTERN, title: 'a duration such as 15m, 24h or 1h30m', description });
/** A duration, or a number of business days (`10bd`: Monday to Friday, UTC, less calendar.holidays). */
const Period = (description: string) =>
  Type.String({ pattern: '^(\\d+bd|(?=\\d)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?)$', title: 'a duration such as 14d or 72h, or business days such as 10bd', description });
const IsoTime = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$', description });

export const Decision = Type.Object(
  {
    id: Id('decision id, e.g. runtime-cutover'),
    title: Text('e.g. Runtime cutover execution'),
    gates: Type.Array(Type.String(), {
      description:
        'gates that must hold for a GO; "every party GO" is always required, and is listed with its own text when an all-parties-go gate names this decision',
    }),
    approvals: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.Integer({ minimum: 1 }), {
        description: 'quorum: party id (or "default") → how many GO verdicts from distinct approver roles and keys that party needs',
      }),
    ),
    independent_of: Type.Optional(
      Type.Array(Type.Literal('target.published'), {
        uniqueItems: true,
        description: 'separation of duties: target.published — the role that published the target is not counted among its party\'s approvals',
      }),
    ),
    require_duty: Type.Optional(
      Type.Union([Type.Literal('security'), Type.Record(Type.String({ minLength: 1 }), Type.Literal('security'))], {
        description: "security: every party's counted approvals include a role with duty security; or per party, e.g. { memorykernel: security }",
      }),
    ),
    valid_for: Type.Optional(Duration('a GO older than this at evaluation time no longer counts (it expires exactly then)')),
    closes_after_phase: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 })], {
        description: 'a phase id, e.g. "8": once that phase is closed or complete the decision no longer matters and shows as closed, with its last outcome',
      }),
    ),
  },
  { additionalProperties: false },
);

const gateCommon = {
  id: Id('gate id'),
  text: Text('the blocker text shown while this gate is unmet'),
  owner: Type.String({ minLength: 1, description: 'role id that owns clearing this blocker' }),
};

export const Severity = Type.Union([Type.Literal('SEV-1'), Type.Literal('SEV-2'), Type.Literal('SEV-3')]);

export const EvidenceKind = Type.Union([
  Type.Literal('handoff-payload'),
  Type.Literal('repin'),
  Type.Literal('verification-run'),
  Type.Literal('rollback-drill'),
  Type.Literal('rollback-execution'),
  Type.Literal('artifact'),
  Type.Literal('metric-analysis'),
]);

export const EvidenceRequirement = Type.Union([
  Type.Object(
    { party: Type.String({ minLength: 1 }), kind: EvidenceKind, label: Text('how the missing item is named in the blocker') },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      parties: Type.Union([Type.Literal('consumers'), Type.Literal('producers'), Type.Literal('all')], { description: 'every party of that kind must bring it' }),
      kind: EvidenceKind,
      label: Text('how the missing item is named (with the party name added when several parties owe it)'),
    },
    { additionalProperties: false },
  ),
]);

export const Gate = Type.Union([
  Type.Object({ ...gateCommon, kind: Type.Literal('target-published') }, { additionalProperties: false }),
  Type.Object(
    { ...gateCommon, kind: Type.Literal('all-parties-go'), decision: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { ...gateCommon, kind: Type.Literal('evidence'), requires: Type.Array(EvidenceRequirement, { minItems: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...gateCommon,
      kind: Type.Literal('rollback-evidence'),
      evidence: Type.Union([Type.Literal('rollback-drill'), Type.Literal('rollback-execution')]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { ...gateCommon, kind: Type.Literal('no-open-incident'), severity: Severity },
    { additionalProperties: false },
  ),
  Type.Object(
    { ...gateCommon, kind: Type.Literal('phase-closed'), phase: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object({ ...gateCommon, kind: Type.Literal('no-manual-blockers') }, { additionalProperties: false }),
  Type.Object(
    {
      ...gateCommon,
      kind: Type.Literal('metric-analysis'),
      parties: Type.Optional(Type.Union([Type.Literal('consumers'), Type.Literal('producers'), Type.Literal('all')], { description: 'whose analyses are required (default: all)' })),
      span: Duration('the passing analyses of each party, for the current target, must span at least this long, e.g. 14d'),
      max_gap: Type.Optional(
        Duration('consecutive analyses are summed when the gap between one and the next is at most this; without it, the latest analysis must span alone'),
      ),
      query: Type.Optional(Type.String({ minLength: 1, description: 'only analyses of exactly this query count' })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { ...gateCommon, kind: Type.Literal('notice'), period: Period('the notice (cutover notice give <gate>) must be given at least this long before the phase starts, e.g. 10bd') },
    { additionalProperties: false },
  ),
]);

export const SeverityClass = Type.Object(
  { id: Severity, description: Text('what makes an incident this severe') },
  { additionalProperties: false },
);

/** What a trigger requires when it fires. */
export const IncidentAction = Type.Union(
  [Type.Literal('rollback'), Type.Literal('rollback-and-bridge'), Type.Literal('freeze'), Type.Literal('no-go')],
  {
    description:
      'rollback: immediate rollback to the rollback target; rollback-and-bridge: the same, and a joint incident bridge; freeze: freeze promotion, remediate, re-verify; no-go: NO-GO until the evidence is complete',
  },
);

/** An alert that declares an incident: every label listed must equal the alert's. */
export const AlertMatch = Type.Object(
  {
    labels: Type.Record(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), Type.String(), {
      minProperties: 1,
      description: 'label name → the value the alert must carry, e.g. { alertname: HighErrorRate }',
    }),
    party: Type.String({ minLength: 1, description: 'the party the incident is declared for' }),
  },
  { additionalProperties: false },
);

export const Trigger = Type.Object(
  {
    id: Id('trigger id, e.g. envelope-mismatch (cutover incident declare --trigger <id>)'),
    description: Text('what was observed, e.g. Non-2xx envelope shape mismatch'),
    severity: Type.Union([Type.Literal('SEV-1'), Type.Literal('SEV-2'), Type.Literal('SEV-3')], {
      description: 'the minimum severity: an incident of this trigger is declared at this severity or above',
    }),
    action: IncidentAction,
    alerts: Type.Optional(
      Type.Array(AlertMatch, { minItems: 1, description: 'Alertmanager alerts that declare an incident of this trigger (cutover bridge alertmanager)' }),
    ),
  },
  { additionalProperties: false },
);

/** The deadlines every incident is held to; each is met by one step of the lifecycle. */
export const IncidentDeadlines = Type.Object(
  {
    initial_notice: Duration('after the trigger is identified: cutover incident notify'),
    rollback_recommendation: Duration("after the trigger is identified, for triggers whose action is a rollback: the producer's cutover incident recommend-rollback"),
    repin_confirmation: Duration("after the rollback is executed: every consumer's cutover incident confirm-repin"),
    joint_summary: Duration('after the trigger is identified: cutover incident summary, approved by every party (cutover incident approve)'),
  },
  { additionalProperties: false },
);

/** The incident and rollback protocol: severity classes, the trigger matrix, the deadlines. */
export const IncidentPolicy = Type.Object(
  {
    severities: Type.Array(SeverityClass, { minItems: 1, description: 'the severity classes; SEV-1 is the highest' }),
    triggers: Type.Array(Trigger, { minItems: 1, description: 'the trigger matrix: minimum severity and required action of each trigger' }),
    deadlines: IncidentDeadlines,
    update_interval: Type.Optional(
      Duration('the next update is due this long after a notice or an update, unless --next-update says otherwise'),
    ),
    automation: Type.Optional(
      Type.Object(
        {
          severities: Type.Array(Severity, {
            uniqueItems: true,
            description: 'the severities a role with the automation duty may declare an incident at (cutover bridge alertmanager); none listed, none allowed',
          }),
        },
        { additionalProperties: false, description: 'incidents declared by automation (alerts): what it may declare' },
      ),
    ),
    rollback_phase: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'a rollback moves this phase, and every later phase that started, back to not-started (default: the phase that promotes the target)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Phase = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'phase number or id, e.g. "8"' }),
    title: Text('e.g. Runtime cutover'),
    decision: Type.Optional(Type.String({ description: 'the decision whose GO this phase needs to start' })),
    entry: Type.Array(Type.String(), { description: 'gates that must hold before the phase can start' }),
    promotes_target: Type.Optional(
      Type.Boolean({ description: 'completing this phase makes the published target the baseline' }),
    ),
    min_duration: Type.Optional(Period('the phase cannot complete sooner than this after it started')),
    review_every: Type.Optional(Period('while active, a review (cutover review record) is due this long after the start or the last review')),
  },
  { additionalProperties: false },
);

export const RecordKind = Type.Union([
  Type.Literal('decision-record'),
  Type.Literal('decision-checkpoint'),
  Type.Literal('joint-status-addendum'),
  Type.Literal('rollback-readiness'),
  Type.Literal('closure'),
  Type.Literal('compatibility-matrix'),
]);

export const RecordDefinition = Type.Object(
  {
    id: Id('record id, e.g. producer-decision-record'),
    kind: RecordKind,
    party: Type.String({ minLength: 1 }),
    title: Text('document title'),
    label: Type.Optional(Text('how other records refer to this one, e.g. "Consumer decision record"; default: title')),
    path: Text("path of the rendered file inside the party's repo"),
    scope: Type.Optional(Text('the Decision Scope sentence, without the phase it is rendered at')),
    inputs: Type.Optional(Type.Array(Type.String(), { description: 'record ids listed as decision inputs' })),
    template: Type.Optional(
      Type.String({ minLength: 1, description: 'a Handlebars template file (relative to cutover.yaml) replacing the built-in one for this kind; it sees the record model (schemas/record-model.schema.json)' }),
    ),
  },
  { additionalProperties: false },
);

export const Freeze = Type.Object(
  {
    id: Id('freeze id, e.g. year-end'),
    from: IsoTime('the freeze starts at this time (included)'),
    until: IsoTime('the freeze ends at this time (excluded)'),
    reason: Type.Optional(Text('why, shown in the blocker')),
  },
  { additionalProperties: false },
);

export const Window = Type.Object(
  {
    decision: Type.String({ minLength: 1, description: 'the decision whose GO approves the cutover window' }),
    opens: Type.Optional(IsoTime('the phase that executes the decision cannot start before this time')),
    closes: Type.Optional(IsoTime('… nor at or after this time')),
    freezes: Type.Optional(Type.Array(Freeze, { description: 'named periods inside which that phase cannot start' })),
  },
  { additionalProperties: false },
);

/** Rules on targets. */
export const TargetPolicy = Type.Object(
  {
    baseline_min_age: Type.Optional(Period('a candidate target is published only once the baseline has been in production this long')),
  },
  { additionalProperties: false },
);

/** The business-day calendar: Monday to Friday (UTC), less these dates. */
export const Calendar = Type.Object(
  { holidays: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { uniqueItems: true, description: 'dates (UTC) that are not business days' }) },
  { additionalProperties: false },
);

/** One approved producer/consumer pair: the producer release and each consumer's repin commit. */
export const ApprovedPair = Type.Object(
  {
    tag: Text('release tag'),
    sha: Type.String({ pattern: '^[0-9a-f]{40}$' }),
    contracts: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 })),
    repins: Type.Record(Type.String({ minLength: 1 }), Type.String({ pattern: '^[0-9a-f]{40}$' }), { description: 'consumer party id → its repin commit' }),
  },
  { additionalProperties: false },
);

/** The compatibility matrix: pairs approved before this ledger, and whether a rollback must go to one. */
export const Compatibility = Type.Object(
  {
    rollback_to_approved_pair: Type.Boolean({ description: 'a rollback target must be an approved pair (listed here, or derived when the promoting phase completes)' }),
    approved: Type.Optional(Type.Array(ApprovedPair, { description: 'pairs approved before this ledger (e.g. the baseline in production)' })),
  },
  { additionalProperties: false },
);

export const Target = Type.Object(
  {
    tag: Text('release tag'),
    sha: Type.String({ pattern: '^[0-9a-f]{40}$' }),
    contracts: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const ProgramDefinition = Type.Object(
  {
    version: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)], {
      description:
        '3: the same file as 2, whose program admits no line with a string over 10,000 characters (docs/formats.md); 2: the same file as 1, whose program admits a verification run only with the commit it ran at (docs/evidence.md); 1: runs recorded without it are still admitted',
    }),
    program: Type.Object(
      { id: ProgramId, title: Text('program title') },
      { additionalProperties: false },
    ),
    parties: Type.Array(Party, { minItems: 2 }),
    roles: Type.Array(Role, { minItems: 1 }),
    decisions: Type.Array(Decision),
    gates: Type.Array(Gate),
    phases: Type.Array(Phase),
    window: Type.Optional(Window),
    baseline: Type.Optional(Target),
    incidents: Type.Optional(IncidentPolicy),
    targets: Type.Optional(TargetPolicy),
    calendar: Type.Optional(Calendar),
    compatibility: Type.Optional(Compatibility),
    records: Type.Array(RecordDefinition),
    readers: Type.Optional(Identities('OpenID Connect identities that may read the program on a server (a role\'s identities may too)')),
    notify: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 100 }), {
        uniqueItems: true,
        description: "the server's named sinks (serve --notify-config) that get this program's notifications; names only, never URLs or secrets. None named: the server's --notify sinks",
      }),
    ),
    relays: Type.Optional(Identities('OpenID Connect identities (such as a CI job) that may post lines signed by any role: a push or sync of a history many roles signed')),
  },
  {
    additionalProperties: false,
    $id: 'https://cutover.dev/schemas/cutover.schema.json',
    title: 'cutover.yaml (version 1, 2 or 3)',
  },
);

export type ProgramDefinition = Static<typeof ProgramDefinition>;
export type PartyDefinition = Static<typeof Party>;
export type RoleDefinition = Static<typeof Role>;
export type IdentityDefinition = Static<typeof Identity>;
export type DutyName = Static<typeof Duty>;
export type DecisionDefinition = Static<typeof Decision>;
export type GateDefinition = Static<typeof Gate>;
export type PhaseDefinition = Static<typeof Phase>;
export type RecordDefinition = Static<typeof RecordDefinition>;
export type SeverityName = Static<typeof Severity>;
export type EvidenceKindName = Static<typeof EvidenceKind>;
export type EvidenceRequirementDefinition = Static<typeof EvidenceRequirement>;
export type TargetDefinition = Static<typeof Target>;
export type PinDefinition = Static<typeof Pin>;
export type PinValueName = Static<typeof PinValue>;
export type SuiteDefinition = Static<typeof Suite>;
export type HandoffDefinition = Static<typeof Handoff>;
export type EnvelopePolicyName = Static<typeof EnvelopePolicy>;
export type IncidentPolicyDefinition = Static<typeof IncidentPolicy>;
export type TriggerDefinition = Static<typeof Trigger>;
export type AlertMatchDefinition = Static<typeof AlertMatch>;
export type IncidentActionName = Static<typeof IncidentAction>;
export type FreezeDefinition = Static<typeof Freeze>;
export type ApprovedPairDefinition = Static<typeof ApprovedPair>;
export type DeadlineName = keyof Static<typeof IncidentDeadlines>;
