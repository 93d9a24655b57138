/**
 * The built-in templates, one per record kind, reproducing the document family of the seed
 * (decision record, decision checkpoint, joint status addendum, rollback readiness, closure), and
 * the partials any template may use. Handlebars, without helpers of our own: loops, conditions
 * and partials over the record model only (schemas/record-model.schema.json).
 */
import type { RecordDefinition } from '../program/schema.js';

/**
 * How every template is compiled, built in or a team's own: strict (a field the model does not have
 * is an error, never an empty string) and without HTML escaping (records are markdown).
 * scripts/precompile-templates.js compiles the built-in ones with these at build time.
 */
export const TEMPLATE_OPTIONS = { strict: true, noEscape: true } as const;

export const PARTIALS: Readonly<Record<string, string>> = {
  header: `# {{record.title}}

{{ledger.line}}
Updated: {{ledger.date}}  
Owner: {{owner}}
`,
  outcomes: `{{#each decisions}}
{{number}}. {{title}}: **{{label}}**
{{/each}}
`,
  window: `{{#if window}}

## Runtime Cutover Window
- Status: **{{window.status}}**
{{#if window.note}}
- Notes: {{window.note}}
{{/if}}
{{/if}}
`,
  ownership: `{{#each ownership}}
- {{holder}} {{duty}} role: {{title}}
{{/each}}
`,
  inputs: `{{#each inputs}}
- {{label}}:
  - {{repo}}: \`{{path}}\`
{{/each}}
`,
  blockers: `{{#if nextPhase}}

## Remaining Blockers Before Phase {{nextPhase}} Start
{{#each blockers}}
{{number}}. {{text}}
{{#each missing}}
   - {{this}}
{{/each}}
{{else}}
None: every entry gate holds.
{{/each}}
{{/if}}
`,
  phases: `{{#each phases}}
- Phase {{id}}: **{{label}}** ({{reason}})
{{/each}}
`,
  verdicts: `{{#each decisions}}
- {{title}}: **{{label}}**
{{#each verdicts}}
  - {{partyName}}: {{#if verdict}}{{verdict}} ({{role}}, {{at}}){{#if stale}} — stale: cast for another target{{/if}}{{else}}no verdict recorded{{/if}}
{{/each}}
{{/each}}
`,
  target: `{{#if target}}
- Runtime target: \`{{target.tag}}\` @ \`{{target.sha}}\`{{#if target.verified}} (verified){{else}} (NOT verified){{/if}}
{{#each target.contracts}}
  - {{name}}: \`{{version}}\`
{{/each}}
{{else}}
- Runtime target: not published
{{/if}}
{{#if baseline}}
- Baseline: \`{{baseline.tag}}\` @ \`{{baseline.sha}}\`
{{else}}
- Baseline: not recorded
{{/if}}
{{#if rollbackTarget}}
- Rollback target: \`{{rollbackTarget.tag}}\` @ \`{{rollbackTarget.sha}}\`
{{else}}
- Rollback target: not recorded
{{/if}}
`,
  evidence: `{{#each evidence}}
- {{partyName}} {{kind}} for \`{{target}}\`: **{{result}}**{{#if stale}} (stale){{/if}} — {{summary}} (seq {{seq}})
{{else}}
- No evidence recorded.
{{/each}}
`,
};

const DECISION_RECORD = `{{> header}}

## Decision Scope
{{record.scope}} {{position}}.

## Decision Outcome
{{> outcomes}}
{{> window}}
{{#if ownership}}

## Ownership (Named Roles)
{{> ownership}}
{{/if}}
{{#if inputs}}

## Decision Inputs
{{> inputs}}
{{/if}}
{{> blockers}}

## Phase Status Mapping
{{> phases}}`;

const DECISION_CHECKPOINT = `{{> header}}

## Checkpoint
{{party.name}} checkpoint of {{program.title}}, {{position}}.

## Verdicts
{{> verdicts}}

## Runtime Target
{{> target}}

## Evidence
{{> evidence}}
{{> blockers}}

## Phase Status Mapping
{{> phases}}`;

const JOINT_STATUS_ADDENDUM = `{{> header}}

## Joint Decision Status
{{> outcomes}}
{{> window}}
{{> blockers}}

## Phase Status Mapping
{{> phases}}`;

const ROLLBACK_READINESS = `{{> header}}

## Rollback Path
{{> target}}

## Named Roles
{{> ownership}}

## Evidence
{{> evidence}}

## Open Incidents
{{#each incidents}}
- {{id}} ({{severity}}, {{party}}): {{summary}}
{{else}}
- None.
{{/each}}`;

const CLOSURE = `{{> header}}

## Closure
{{program.title}}, {{position}}.

## Decision Outcome
{{> outcomes}}

## Final State
{{> target}}

## Phase Status Mapping
{{#each allPhases}}
- Phase {{id}}: **{{label}}** ({{reason}})
{{/each}}`;

const COMPATIBILITY_MATRIX = `{{> header}}

## Approved Pairs
| Producer release | Commit | Contracts |{{#each consumers}} {{name}} repin |{{/each}} Approved |
| --- | --- | --- |{{#each consumers}} --- |{{/each}} --- |
{{#each approvedPairs}}
| \`{{tag}}\` | \`{{sha}}\` | {{contracts}} |{{#each repins}} \`{{commit}}\` |{{/each}} {{approved}} |
{{else}}
| (none yet) | | |{{#each consumers}} |{{/each}} |
{{/each}}

A rollback target must be one of these pairs when \`compatibility.rollback_to_approved_pair\` is set.

## Scheduled Reviews
{{#each reviews}}
- Phase {{phase}}: next review due {{due}} (**{{status}}**{{#if lastReview}}; last {{lastReview}}{{/if}})
{{else}}
- None due.
{{/each}}`;

export const DEFAULT_TEMPLATES: Readonly<Record<RecordDefinition['kind'], string>> = {
  'decision-record': DECISION_RECORD,
  'decision-checkpoint': DECISION_CHECKPOINT,
  'joint-status-addendum': JOINT_STATUS_ADDENDUM,
  'rollback-readiness': ROLLBACK_READINESS,
  closure: CLOSURE,
  'compatibility-matrix': COMPATIBILITY_MATRIX,
};
