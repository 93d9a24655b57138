/**
 * What the JSON Schema cannot say about a program definition: ids are unique, and every name
 * refers to something defined. Pure; `load.ts` turns the paths into file lines.
 */
import { durationMs } from './duration.js';
import { compileLinePattern } from './line-pattern.js';
import type { ProgramDefinition } from './schema.js';

export type FieldPath = readonly (string | number)[];

export interface DefinitionProblem {
  readonly path: FieldPath;
  readonly expected: string;
  readonly found: string;
}

export function checkReferences(def: ProgramDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const problem = (path: FieldPath, expected: string, found: unknown) =>
    problems.push({ path, expected, found: JSON.stringify(found) });

  const ids = (section: 'parties' | 'roles' | 'decisions' | 'gates' | 'phases' | 'records') => {
    const seen = new Set<string>();
    def[section].forEach((item, i) => {
      if (seen.has(item.id)) problem([section, i, 'id'], `an id not used by another entry of ${section}`, item.id);
      seen.add(item.id);
    });
    return seen;
  };
  const parties = ids('parties');
  const roles = ids('roles');
  const decisions = ids('decisions');
  const gates = ids('gates');
  const phases = ids('phases');
  const records = ids('records');
  const oneOf = (set: Set<string>, extra: string[] = []) => `one of ${[...set, ...extra].map((s) => JSON.stringify(s)).join(', ') || '(none defined)'}`;

  def.roles.forEach((role, i) => {
    if (role.party !== 'joint' && !parties.has(role.party)) problem(['roles', i, 'party'], `a party id or "joint": ${oneOf(parties, ['joint'])}`, role.party);
    if (role.party === 'joint' && role.duties.includes('approver')) {
      problem(['roles', i, 'duties'], 'no "approver" duty on a joint role (a verdict speaks for one party)', role.duties);
    }
    if (role.party !== 'joint' && role.duties.includes('decision-log-owner')) {
      problem(['roles', i, 'party'], '"joint" for a role with duty "decision-log-owner" (the decision log is kept for all parties)', role.party);
    }
  });
  def.parties.forEach((party, i) => {
    if (!def.roles.some((r) => r.party === party.id && r.duties.includes('approver'))) {
      problem(['parties', i, 'id'], `a role with duty "approver" for party ${party.id} (every party casts verdicts)`, 'none');
    }
  });
  if (!def.parties.some((p) => p.kind === 'producer')) problem(['parties'], 'at least one party of kind "producer"', def.parties.map((p) => p.kind));
  if (!def.parties.some((p) => p.kind === 'consumer')) problem(['parties'], 'at least one party of kind "consumer"', def.parties.map((p) => p.kind));
  if (!def.roles.some((r) => r.duties.includes('decision-log-owner'))) {
    problem(['roles'], 'a role with duty "decision-log-owner" (it signs the program definition and moves phases)', 'none');
  }
  def.decisions.forEach((d, i) =>
    d.gates.forEach((g, j) => {
      if (!gates.has(g)) problem(['decisions', i, 'gates', j], `a gate id: ${oneOf(gates)}`, g);
    }),
  );
  def.gates.forEach((g, i) => {
    if (!roles.has(g.owner)) problem(['gates', i, 'owner'], `a role id: ${oneOf(roles)}`, g.owner);
    switch (g.kind) {
      case 'all-parties-go':
        if (!decisions.has(g.decision)) problem(['gates', i, 'decision'], `a decision id: ${oneOf(decisions)}`, g.decision);
        break;
      case 'evidence':
        g.requires.forEach((r, j) => {
          if ('party' in r && !parties.has(r.party)) problem(['gates', i, 'requires', j, 'party'], `a party id: ${oneOf(parties)}`, r.party);
        });
        break;
      case 'phase-closed':
        if (!phases.has(g.phase)) problem(['gates', i, 'phase'], `a phase id: ${oneOf(phases)}`, g.phase);
        break;
      case 'metric-analysis':
        if (durationMs(g.span) === 0) problem(['gates', i, 'span'], 'a duration longer than zero', g.span);
        break;
      default:
        break;
    }
  });
  def.phases.forEach((p, i) => {
    p.entry.forEach((g, j) => {
      if (!gates.has(g)) problem(['phases', i, 'entry', j], `a gate id: ${oneOf(gates)}`, g);
    });
    if (p.decision !== undefined && !decisions.has(p.decision)) problem(['phases', i, 'decision'], `a decision id: ${oneOf(decisions)}`, p.decision);
  });
  def.decisions.forEach((d, i) => {
    if (d.closes_after_phase !== undefined && !phases.has(String(d.closes_after_phase))) {
      problem(['decisions', i, 'closes_after_phase'], `a phase id: ${oneOf(phases)}`, d.closes_after_phase);
    }
  });
  if (def.window !== undefined && !decisions.has(def.window.decision)) {
    problem(['window', 'decision'], `a decision id: ${oneOf(decisions)}`, def.window.decision);
  }
  checkGovernance(def, parties, problem);
  const incidents = def.incidents;
  if (incidents !== undefined) {
    const classes = new Set<string>();
    incidents.severities.forEach((c, i) => {
      if (classes.has(c.id)) problem(['incidents', 'severities', i, 'id'], 'a severity class not defined twice', c.id);
      classes.add(c.id);
    });
    const triggers = new Set<string>();
    incidents.triggers.forEach((t, i) => {
      if (triggers.has(t.id)) problem(['incidents', 'triggers', i, 'id'], 'an id not used by another trigger', t.id);
      triggers.add(t.id);
      if (!classes.has(t.severity)) problem(['incidents', 'triggers', i, 'severity'], `a severity class defined in incidents.severities: ${oneOf(classes)}`, t.severity);
      t.alerts?.forEach((a, j) => {
        if (!parties.has(a.party)) problem(['incidents', 'triggers', i, 'alerts', j, 'party'], `a party id: ${oneOf(parties)}`, a.party);
      });
    });
    incidents.automation?.severities.forEach((sev, i) => {
      if (!classes.has(sev)) problem(['incidents', 'automation', 'severities', i], `a severity class defined in incidents.severities: ${oneOf(classes)}`, sev);
    });
    for (const [name, value] of Object.entries(incidents.deadlines)) {
      if (durationMs(value) === 0) problem(['incidents', 'deadlines', name], 'a duration longer than zero', value);
    }
    if (incidents.update_interval !== undefined && durationMs(incidents.update_interval) === 0) {
      problem(['incidents', 'update_interval'], 'a duration longer than zero', incidents.update_interval);
    }
    if (incidents.rollback_phase !== undefined && !phases.has(incidents.rollback_phase)) {
      problem(['incidents', 'rollback_phase'], `a phase id: ${oneOf(phases)}`, incidents.rollback_phase);
    }
    def.gates.forEach((g, i) => {
      if (g.kind === 'no-open-incident' && !classes.has(g.severity)) {
        problem(['gates', i, 'severity'], `a severity class defined in incidents.severities: ${oneOf(classes)}`, g.severity);
      }
    });
  }
  def.parties.forEach((party, i) =>
    party.pins?.forEach((pin, j) => {
      if (!('pattern' in pin)) return;
      for (const pattern of Object.keys(pin.pattern)) {
        const compiled = compileLinePattern(pattern);
        if (typeof compiled === 'string') problem(['parties', i, 'pins', j, 'pattern'], `an RE2 pattern with one capture group; this one ${compiled}`, pattern);
      }
    }),
  );
  def.records.forEach((r, i) => {
    if (!parties.has(r.party)) problem(['records', i, 'party'], `a party id: ${oneOf(parties)}`, r.party);
    r.inputs?.forEach((input, j) => {
      if (!records.has(input)) problem(['records', i, 'inputs', j], `a record id: ${oneOf(records)}`, input);
    });
  });
  return problems;
}

/** The governance rules: quorum keys name parties, periods are longer than zero, times are in order. */
function checkGovernance(def: ProgramDefinition, parties: Set<string>, problem: (path: FieldPath, expected: string, found: unknown) => void): void {
  const positive = (path: FieldPath, value: string | undefined) => {
    if (value !== undefined && !/^[1-9]\d*bd$/.test(value) && durationMs(value) === 0) problem(path, 'a period longer than zero', value);
  };
  def.decisions.forEach((d, i) => {
    for (const party of Object.keys(d.approvals ?? {})) {
      if (party !== 'default' && !parties.has(party)) problem(['decisions', i, 'approvals', party], `a party id or "default": ${[...parties].join(', ')}`, party);
    }
    positive(['decisions', i, 'valid_for'], d.valid_for);
    const rule = d.require_duty;
    for (const party of def.parties) {
      const duty = rule === undefined ? undefined : typeof rule === 'string' ? rule : rule[party.id];
      if (duty !== undefined && !def.roles.some((r) => r.party === party.id && r.duties.includes('approver') && r.duties.includes(duty))) {
        problem(['decisions', i, 'require_duty'], `an approver role of ${party.id} with duty ${duty} (or require_duty per party, e.g. { ${def.parties[0]!.id}: ${duty} })`, 'none');
      }
    }
    if (rule !== undefined && typeof rule !== 'string') {
      for (const party of Object.keys(rule)) if (!parties.has(party)) problem(['decisions', i, 'require_duty', party], 'a party id', party);
    }
  });
  def.phases.forEach((p, i) => {
    positive(['phases', i, 'min_duration'], p.min_duration);
    positive(['phases', i, 'review_every'], p.review_every);
  });
  def.gates.forEach((g, i) => {
    if (g.kind === 'notice') positive(['gates', i, 'period'], g.period);
  });
  positive(['targets', 'baseline_min_age'], def.targets?.baseline_min_age);
  const w = def.window;
  if (w?.opens !== undefined && w.closes !== undefined && Date.parse(w.closes) <= Date.parse(w.opens)) {
    problem(['window', 'closes'], `a time after window.opens (${w.opens})`, w.closes);
  }
  w?.freezes?.forEach((f, i) => {
    if (Date.parse(f.until) <= Date.parse(f.from)) problem(['window', 'freezes', i, 'until'], `a time after from (${f.from})`, f.until);
  });
}
