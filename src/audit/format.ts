/**
 * The audit report for people (grouped by kind, `file:line` and the evidence), for GitHub Actions
 * (annotations on the lines) and for code scanning (SARIF 2.1.0).
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { FINDING_KINDS, KIND_TITLES, type AuditReport, type CommitRef, type DiffRow, type Finding, type FindingKind, type FindingLocation } from './report.js';

const short = (sha: string) => sha.slice(0, 10);

function where(report: AuditReport, l: FindingLocation): string {
  return report.repos.length > 1 ? `${l.repo}:${l.file}:${l.line}` : `${l.file}:${l.line}`;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

/** Two columns, one per file, and a row per differing item. */
function sideBySide(report: AuditReport, f: Finding, rows: readonly DiffRow[]): string[] {
  const other = f.related[0];
  const headers = [where(report, f.location).replace(/:\d+$/, ''), other === undefined ? '' : where(report, other).replace(/:\d+$/, '')];
  const itemWidth = Math.max(...rows.map((r) => r.item.length), 4);
  const width = Math.min(60, Math.max(headers[0]?.length ?? 0, ...rows.map((r) => (r.left ?? '(not listed)').length)));
  const line = (item: string, left: string, right: string) => `      ${clip(item, itemWidth)}  ${clip(left, width)} | ${right}`;
  return [line('', headers[0] ?? '', headers[1] ?? ''), ...rows.flatMap((r) => [line(r.item, r.left ?? '—', r.right ?? '—'), ...(r.words === undefined ? [] : [`      ${' '.repeat(itemWidth)}  reworded: ${r.words}`])])];
}

function historyLine(h: NonNullable<Finding['history']>): string {
  const ref = (c: CommitRef) => `${short(c.commit)} ${c.date.slice(0, 10)} "${c.subject}"${c.repo ? ` (${c.repo})` : ''}`;
  const first = h.firstSeen === null ? 'already there at --since' : `first seen ${ref(h.firstSeen)}`;
  const now = h.present ? 'still there' : h.goneAt === null ? 'gone' : `gone at ${ref(h.goneAt)}`;
  return `      ${first} · ${now}`;
}

export function formatReport(report: AuditReport): string {
  const out: string[] = [];
  const range = (r: AuditReport['repos'][number]) => (r.since === undefined ? `@ ${short(r.rev)}` : `${short(r.since)}..${short(r.rev)} (${r.commits} commit${r.commits === 1 ? '' : 's'})`);
  out.push(`cutover audit: ${report.repos.map((r) => `${r.name} ${range(r)}, ${r.files} files`).join('; ')}`);
  for (const kind of FINDING_KINDS) {
    const group = report.findings.filter((f) => f.kind === kind);
    if (group.length === 0) continue;
    out.push('', `${KIND_TITLES[kind]} (${group.length})`);
    for (const f of group) {
      const related = f.related.length === 0 ? '' : `  ↔  ${f.related.map((l) => where(report, l)).join(', ')}`;
      out.push(`  ${where(report, f.location)}${related}`, `    ${f.message}`);
      if (f.diff !== undefined) out.push(...sideBySide(report, f, f.diff));
      else for (const e of f.evidence) out.push(`    - ${e}`);
      if (f.history !== undefined) out.push(historyLine(f.history));
    }
  }
  const present = report.findings.filter((f) => f.history === undefined || f.history.present);
  const byKind = FINDING_KINDS.map((k) => [k, present.filter((f) => f.kind === k).length] as const).filter(([, n]) => n > 0);
  out.push(
    '',
    present.length === 0
      ? report.findings.length === 0
        ? 'No findings.'
        : `No findings left at the end of the range (${report.findings.length} came and went).`
      : `${present.length} finding${present.length === 1 ? '' : 's'}: ${byKind.map(([k, n]) => `${n} ${k}`).join(', ')}`,
  );
  return out.join('\n') + '\n';
}

/** `::error file=…,line=…,title=…::message` for each finding still there. */
export function githubAnnotations(report: AuditReport): string {
  const escape = (v: string) => v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (v: string) => escape(v).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return report.findings
    .filter((f) => f.history === undefined || f.history.present)
    .map((f) => {
      const file = report.repos.length > 1 ? `${f.location.repo}/${f.location.file}` : f.location.file;
      return `::${level(f.kind)} file=${property(file)},line=${f.location.line},title=${property(`cutover audit: ${f.kind}`)}::${escape([f.message, ...f.evidence].join('\n'))}\n`;
    })
    .join('');
}

function level(kind: FindingKind): 'error' | 'warning' {
  return kind === 'absolute-path' ? 'warning' : 'error';
}

const RULE_HELP: Record<FindingKind, string> = {
  'tag-sha-pair': 'A release tag and a commit SHA named together do not match in git: the tag peels to another commit.',
  'unknown-sha': 'A full 40-hex SHA that is no object in any of the audited repositories.',
  'short-sha': 'A short SHA in a commit context that matches no commit, or more than one.',
  'mirror-disagreement': 'Two records that mirror one another disagree (decision outcomes, blockers, phase statuses or the window).',
  'status-contradiction': 'One phase is given two statuses in files of the same date or later.',
  'duration-claim': 'A record claims a window lasted a duration (a two-week soak), but the commits that opened and closed it are less than half that apart.',
  'absolute-path': "An absolute path of someone's machine in a record meant to be shared.",
};

/** SARIF 2.1.0, one run, one rule per finding kind; locations relative to each repository's root. */
export function sarifLog(report: AuditReport): unknown {
  const physical = (l: FindingLocation) => ({
    artifactLocation: { uri: l.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: l.repo },
    region: { startLine: l.line },
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cutover-audit',
            rules: FINDING_KINDS.map((kind) => ({
              id: kind,
              name: kind.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: KIND_TITLES[kind] },
              fullDescription: { text: RULE_HELP[kind] },
              defaultConfiguration: { level: level(kind) },
            })),
          },
        },
        originalUriBaseIds: Object.fromEntries(report.repos.map((r) => [r.name, { uri: `${pathToFileURL(r.path).href}/` }])),
        results: report.findings
          .filter((f) => f.history === undefined || f.history.present)
          .map((f) => ({
            ruleId: f.kind,
            ruleIndex: FINDING_KINDS.indexOf(f.kind),
            level: level(f.kind),
            message: { text: [f.message, ...f.evidence].join('\n') },
            locations: [{ physicalLocation: physical(f.location) }],
            ...(f.related.length === 0 ? {} : { relatedLocations: f.related.map((l, id) => ({ id, physicalLocation: physical(l) })) }),
            partialFingerprints: { 'cutoverFindingKey/v1': createHash('sha256').update(f.key).digest('hex') },
          })),
      },
    ],
  };
}
