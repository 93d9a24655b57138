/**
 * `cutover audit --json`: the findings, as a versioned contract (schemas/audit-report.schema.json).
 * Fields may be added within a version, never renamed or removed.
 */
import { Type, type Static } from '@sinclair/typebox';

export const AUDIT_REPORT_VERSION = 1;

export const FINDING_KINDS = ['tag-sha-pair', 'unknown-sha', 'short-sha', 'mirror-disagreement', 'status-contradiction', 'duration-claim', 'absolute-path'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Titles for the human report, in the order it shows the groups. */
export const KIND_TITLES: Record<FindingKind, string> = {
  'tag-sha-pair': 'Tag/SHA pairs git refutes',
  'unknown-sha': 'Full SHAs that are no object',
  'short-sha': 'Short SHAs that match no commit, or several',
  'mirror-disagreement': 'Mirrored records that disagree',
  'status-contradiction': 'Phase statuses that contradict',
  'duration-claim': 'Claimed durations the commit dates contradict',
  'absolute-path': 'Absolute machine paths in shared records',
};

const Location = Type.Object(
  {
    repo: Type.String({ description: 'the repository name (its folder name without .git)' }),
    file: Type.String({ description: 'path inside the repository' }),
    line: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

const DiffRow = Type.Object(
  {
    item: Type.String({ description: 'what the row compares: a decision, "blocker", a phase, "window status"' }),
    left: Type.Union([Type.String(), Type.Null()], { description: 'what the first file says; null when it says nothing' }),
    right: Type.Union([Type.String(), Type.Null()]),
    words: Type.Optional(Type.String({ description: 'an item both sides list in other words: what changed from left to right, [-removed-] {+added+}' })),
  },
  { additionalProperties: false },
);

const CommitRef = Type.Object(
  { repo: Type.String(), commit: Type.String(), date: Type.String(), subject: Type.String() },
  { additionalProperties: false },
);

const History = Type.Object(
  {
    firstSeen: Type.Union([CommitRef, Type.Null()], { description: 'the first commit of the range at which it is there; null when it was already there at --since' }),
    present: Type.Boolean({ description: 'still there at the end of the range (--rev)' }),
    goneAt: Type.Union([CommitRef, Type.Null()], { description: 'when it is no longer there: the first commit after its last appearance' }),
  },
  { additionalProperties: false },
);

export const Finding = Type.Object(
  {
    kind: Type.Union(FINDING_KINDS.map((k) => Type.Literal(k))),
    location: Location,
    message: Type.String(),
    evidence: Type.Array(Type.String(), { description: 'what git or the other record says, one fact a line' }),
    related: Type.Array(Location, { description: 'the other places involved (the mirrored file, the other status)' }),
    diff: Type.Optional(Type.Array(DiffRow, { description: 'mirror-disagreement: the differing items, side by side (left: location, right: related[0])' })),
    key: Type.String({ description: 'stable identity of the finding across commits (no line number)' }),
    history: Type.Optional(History),
  },
  { additionalProperties: false },
);
export type Finding = Static<typeof Finding>;
export type FindingLocation = Static<typeof Location>;
export type DiffRow = Static<typeof DiffRow>;
export type CommitRef = Static<typeof CommitRef>;

export const AuditReport = Type.Object(
  {
    version: Type.Literal(AUDIT_REPORT_VERSION),
    repos: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          path: Type.String(),
          rev: Type.String({ description: 'the commit audited (the end of the range with --since)' }),
          since: Type.Optional(Type.String({ description: 'with --since: the commit the range starts after' })),
          files: Type.Integer({ description: 'markdown, JSON and YAML files read at rev' }),
          commits: Type.Optional(Type.Integer({ description: 'with --since: commits audited in the range' })),
        },
        { additionalProperties: false },
      ),
    ),
    counts: Type.Record(Type.String(), Type.Integer(), { description: 'findings by kind (with --since: those still there at the end)' }),
    findings: Type.Array(Finding),
  },
  { additionalProperties: false, $id: 'https://cutover.dev/schemas/audit-report.schema.json', title: 'cutover audit --json (version 1)' },
);
export type AuditReport = Static<typeof AuditReport>;
