/**
 * The standard template `cutover init` writes: a producer and one or more consumers, the named
 * roles of a joint runtime cutover (for two parties, the five roles of the seed), its two
 * decisions, the gates that guard the cutover, and phases 7–10 (decision checkpoint, runtime
 * cutover, stabilization, closeout). Ready to edit.
 */

export interface TemplateOptions {
  readonly programId: string;
  readonly producer: string;
  /** One consumer is the common bilateral case; N consumers must all repin and GO. */
  readonly consumers: readonly string[];
  /** The contract the cutover moves to, e.g. `service.v3`. */
  readonly contract: string;
}

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'party';
}

export function standardTemplate(o: TemplateOptions): string {
  const p = slug(o.producer);
  const consumers = o.consumers.map((name) => ({ name, id: slug(name) }));
  const only = consumers.length === 1;
  const joint = only ? 'Bilateral' : 'Joint';
  const fileContract = o.contract.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const contractName = o.contract.split('.')[0] || 'service';

  const consumerParty = (c: { name: string; id: string }) => `  - id: ${c.id}
    name: ${c.name}
    kind: consumer
    repo: ${c.name}
    # checkout: ../${c.name}   # its git checkout, relative to this folder: the default for --repo and --cwd
    # The pin set: one repin commit must change all of these, each naming the current target
    # (cutover evidence repin --party ${c.id} --repo <repo> --commit <sha>).
    pins:
      - file: config/${p}-runtime-target.json
        json:
          /release_tag: tag
          /commit_sha: sha
          /expected_${contractName}_contract_version: contract.${contractName}
      - file: docs/RUNTIME_PIN.md
        markdown: tag-and-sha
      - file: vendor/${p}/manifest.json
        sha256_at: { file: config/${p}-runtime-target.json, pointer: /manifest_sha256 }
        # same_as_producer: contract/manifest.json   # byte-identical to this producer file at the target commit (evidence repin --producer-repo)
    suites:
      - id: compatibility
        commands:
          - id: integration-tests
            run: sh ci/integration-tests.sh
            timeout_seconds: 900
`;
  const consumerRoles = (c: { name: string; id: string }) => ({
    ic: `  - id: ${c.id}-incident-commander
    title: ${c.name} On-Call Lead
    party: ${c.id}
    duties: [incident-commander]
    keys: []
`,
    owner: `  - id: ${c.id}-runtime-owner
    title: ${c.name} Runtime Integrations Owner
    party: ${c.id}
    duties: [rollback-owner, approver]
    keys: []
`,
  });
  const consumerRecords = (c: { name: string; id: string }) => `  - id: ${only ? 'consumer' : c.id}-decision-record
    kind: decision-record
    party: ${c.id}
    title: Runtime Cutover Decision Record${only ? '' : ` (${c.name})`}
    label: ${only ? 'Consumer' : c.name} decision record
    path: docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD.md
    scope: Record of the joint runtime cutover decision state
    inputs: [${only ? 'consumer' : c.id}-checkpoint, producer-checkpoint, producer-decision-record, producer-addendum]
`;
  const consumerCheckpoint = (c: { name: string; id: string }) => `  - id: ${only ? 'consumer' : c.id}-checkpoint
    kind: decision-checkpoint
    party: ${c.id}
    title: ${o.contract} Cutover Decision Checkpoint${only ? '' : ` (${c.name})`}
    label: ${only ? 'Consumer' : c.name} checkpoint packet
    path: docs/implementation/${fileContract}_CUTOVER_DECISION_CHECKPOINT.md
`;
  const producerInputs = ['producer-checkpoint', ...consumers.map((c) => `${only ? 'consumer' : c.id}-checkpoint`), ...consumers.map((c) => `${only ? 'consumer' : c.id}-decision-record`), 'producer-addendum'];
  const roles = consumers.map(consumerRoles);

  return `# Cutover program definition (format version 3). Schema: schemas/cutover.schema.json
# After editing, record the change: cutover program amend --as integration-program-owner --reason "…"
# Version 2: a verification run counts only where it ran at the target (docs/evidence.md).
# Version 3: no text in a ledger line is longer than 10,000 characters (docs/formats.md).
version: 3
program:
  id: ${o.programId}
  title: ${o.producer} ${o.contract} runtime cutover

parties:
  - id: ${p}
    name: ${o.producer}
    kind: producer
    repo: ${o.producer}
    # checkout: ../${o.producer}   # its git checkout, relative to this folder: the default for --repo and --cwd
    # What the release handoff payload says (cutover handoff generate / verify).
    handoff:
      error_codes: [INVALID_REQUEST, NOT_FOUND, CONFLICT, RATE_LIMITED, INTERNAL]
      non_2xx_envelope:
        ${o.contract}: requires
      consumer_impact: Consumers must repin to the new target atomically; non-2xx responses carry the error envelope.
    # Verification suites (cutover evidence run --party ${p}); the first is the default.
    suites:
      - id: contract
        commands:
          - id: contract-tests
            run: sh ci/contract-tests.sh
            timeout_seconds: 900
${consumers.map(consumerParty).join('')}
# Each role signs the events it records. Add its public key from: cutover keys generate --role <id>
roles:
  - id: ${p}-incident-commander
    title: ${o.producer} Producer On-Call Lead
    party: ${p}
    duties: [incident-commander]
    keys: []
${roles.map((r) => r.ic).join('')}  - id: ${p}-release-owner
    title: ${o.producer} Release Owner
    party: ${p}
    duties: [rollback-owner, approver]
    keys: []
${roles.map((r) => r.owner).join('')}  - id: integration-program-owner
    title: Integration Program Owner
    party: joint
    duties: [decision-log-owner]
    keys: []
  # A second approver, e.g. for a quorum (approvals:) or require_duty: security:
  # - id: ${p}-security-owner
  #   title: ${o.producer} Security Owner
  #   party: ${p}
  #   duties: [approver, security]
  #   keys: []

# A decision is GO only when every party's latest verdict is GO and every gate listed holds.
decisions:
  - id: rehearsal-continuation
    title: Rehearsal continuation
    gates: []
    # Once Phase 8 (the runtime cutover) is closed or complete, rehearsing no longer matters:
    # the decision shows as closed, with its last outcome.
    closes_after_phase: "8"
  - id: runtime-cutover
    title: Runtime cutover execution
    gates: [target-published, ${only ? 'bilateral' : 'joint'}-go, runtime-evidence, rollback-evidence, no-blocking-incident]
    # Governance (all optional; README "Governance rules"):
    # approvals: { ${p}: 2, default: 1 }   # GOs from distinct approver roles and keys, per party
    # independent_of: [target.published]    # the role that published the target does not count
    # require_duty: { ${p}: security }      # one counted approval holds duty security
    # valid_for: 72h                        # a GO stops counting 72h after it was cast

# An unmet gate is a blocker; its text is what records show.
gates:
  - id: target-published
    kind: target-published
    owner: ${p}-release-owner
    text: Immutable \`${o.contract}\` runtime release tag + SHA are not yet published and approved.
  - id: ${only ? 'bilateral' : 'joint'}-go
    kind: all-parties-go
    decision: runtime-cutover
    owner: integration-program-owner
    text: ${joint} runtime GO/NO-GO record is not yet completed with a \`GO\` authorization.
  - id: runtime-evidence
    kind: evidence
    owner: integration-program-owner
    text: "Runtime-target evidence bundle is not yet captured:"
    requires:
      - party: ${p}
        kind: handoff-payload
        label: producer runtime handoff payload
      - parties: consumers
        kind: repin
        label: consumer atomic repin evidence against the same runtime target
  - id: rollback-evidence
    kind: rollback-evidence
    evidence: rollback-execution
    owner: integration-program-owner
    text: ${joint} rollback execution evidence for the runtime switch window is not yet logged complete.
  - id: no-blocking-incident
    kind: no-open-incident
    severity: SEV-2
    owner: integration-program-owner
    text: An open SEV-1 or SEV-2 incident blocks the runtime cutover and the stabilization.
  # A notice period: cutover notice give <gate> at least this long before the phase starts
  # (list the gate in the phase's entry:). 10bd = ten business days, Monday to Friday, UTC.
  # - id: error-code-notice
  #   kind: notice
  #   period: 10bd
  #   owner: integration-program-owner
  #   text: Additive error codes need 10 business days of notice.
  - id: no-open-manual-blockers
    kind: no-manual-blockers
    owner: integration-program-owner
    text: Manually raised blockers are still open.
  - id: phase-7-closed
    kind: phase-closed
    phase: "7"
    owner: integration-program-owner
    text: Phase 7 (decision checkpoint) is not closed.
  - id: phase-8-complete
    kind: phase-closed
    phase: "8"
    owner: integration-program-owner
    text: Phase 8 (runtime cutover) is not complete.
  - id: phase-9-complete
    kind: phase-closed
    phase: "9"
    owner: integration-program-owner
    text: Phase 9 (stabilization) is not complete.

phases:
  - id: "7"
    title: Decision checkpoint
    entry: []
  - id: "8"
    title: Runtime cutover
    decision: runtime-cutover
    entry: [phase-7-closed, no-open-manual-blockers]
    promotes_target: true
  - id: "9"
    title: Stabilization
    entry: [phase-8-complete, no-blocking-incident]
    # min_duration: 14d   # it cannot complete sooner than 14 days after it started
    # review_every: 7d    # while active, a review (cutover review record 9) is due every 7 days
  - id: "10"
    title: Program closeout
    entry: [phase-9-complete, no-open-manual-blockers]

# The cutover window is approved when this decision is GO.
window:
  decision: runtime-cutover
  # The phase that executes this decision starts only from opens (included) to closes (excluded),
  # outside every freeze (from included, until excluded):
  # opens: 2026-03-10T08:00:00Z
  # closes: 2026-03-20T18:00:00Z
  # freezes:
  #   - { id: quarter-close, from: 2026-03-13T00:00:00Z, until: 2026-03-16T00:00:00Z, reason: finance quarter close }

# targets:
#   baseline_min_age: 14d        # a candidate is published only once the baseline is 14 days in production
# calendar:
#   holidays: [2026-12-25]       # not business days (bd)
# compatibility:
#   rollback_to_approved_pair: true   # a rollback target must be an approved pair (cutover render: compatibility-matrix)
#   approved:                    # pairs approved before this ledger; later ones are derived when the promoting phase completes
#     - { tag: v2.9.0, sha: <40-hex>, contracts: { service: service.v2 }, repins: { <consumer>: <40-hex repin commit> } }

# The incident and rollback protocol (cutover incident --help): severity classes, the trigger
# matrix (each trigger's minimum severity and required action), and the deadlines every incident
# is held to. A step at the due time exactly is on time; one second later it is overdue.
incidents:
  severities:
    - id: SEV-1
      description: User-facing correctness or reliability failure with no safe workaround.
    - id: SEV-2
      description: Contract or validation drift that can lead to incorrect integration behaviour.
    - id: SEV-3
      description: Non-critical issue with a safe fallback.
  triggers:
    - id: envelope-mismatch
      description: Non-2xx envelope shape mismatch
      severity: SEV-1
      action: rollback
    - id: fallback-regression
      description: Consumer deterministic-fallback regression
      severity: SEV-1
      action: rollback-and-bridge
    - id: payload-drift
      description: Candidate payload field drift
      severity: SEV-2
      action: freeze
    - id: missing-evidence
      description: Missing release evidence artifact
      severity: SEV-2
      action: no-go
  deadlines:
    initial_notice: 15m           # after the trigger is identified: cutover incident notify
    rollback_recommendation: 30m  # after the trigger is identified: the producer's cutover incident recommend-rollback
    repin_confirmation: 30m       # after the rollback is executed: each consumer's cutover incident confirm-repin
    joint_summary: 24h            # after the trigger is identified: cutover incident summary, approved by every party
  update_interval: 30m            # the next update is due this long after a notice or an update
  rollback_phase: "8"             # a rollback moves this phase (and any later one that started) back to not-started

# Records rendered from the ledger (cutover render --all --party <party>), and where each party keeps
# them in its repository. A record may name its own template: file (Handlebars, over the record model).
records:
  - id: producer-decision-record
    kind: decision-record
    party: ${p}
    title: Runtime Cutover Decision Record (Producer Mirror)
    label: Producer decision record
    path: docs/implementation/RUNTIME_CUTOVER_DECISION_RECORD_PRODUCER.md
    scope: Mirror record for the joint runtime cutover decision state
    inputs: [${producerInputs.join(', ')}]
${consumers.map(consumerRecords).join('')}  - id: producer-checkpoint
    kind: decision-checkpoint
    party: ${p}
    title: ${o.contract} Cutover Decision Checkpoint (Producer)
    label: Producer checkpoint packet
    path: docs/implementation/${fileContract}_CUTOVER_DECISION_CHECKPOINT_PRODUCER.md
${consumers.map(consumerCheckpoint).join('')}  - id: producer-addendum
    kind: joint-status-addendum
    party: ${p}
    title: Joint Decision Status Addendum
    label: Producer addendum
    path: docs/implementation/JOINT_DECISION_STATUS_ADDENDUM.md
`;
}
