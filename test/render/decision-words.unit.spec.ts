/** The dashboard's words for a decision: pending (not a red NO-GO) while a party owes its verdict, closed once it no longer matters. */
import { describe, expect, it } from 'vitest';
import { statusReport } from '../../src/app/status-report.js';
import { overviewPage, urgencyOf } from '../../src/server/dashboard/overview-page.js';
import { programPage } from '../../src/server/dashboard/program-page.js';
import { afterGo, C, P, Scenario } from '../support/program.js';
import type { Evaluation } from '../../src/domain/evaluate.js';
import { renderRecord } from '../../src/render/records.js';

function pages(ev: Evaluation): { overview: string; program: string } {
  const def = ev.program;
  const parties = [{ id: P, name: 'MemoryKernel' }, { id: C, name: 'AssistSupport' }];
  const overview = overviewPage([{ ev, partyNames: new Map(parties.map((p) => [p.id, p.name])) }], ev.evaluatedAt);
  const program = programPage({
    report: statusReport(ev, new Date(ev.evaluatedAt), true),
    parties,
    roles: new Map(),
    phaseEvents: {},
    matrix: null,
    timeline: { events: [], party: null, type: null, types: [], older: null, limit: 50 },
    records: [],
    chart: { events: [], times: [] },
  });
  expect(program).toContain(def.title);
  return { overview, program };
}

/** The overview's list item of a decision, with its badge's class and words (the mark stripped). */
function overviewItem(html: string, title: string): string | undefined {
  return new RegExp(`<li>${title}: <span class="badge ([^"]+)"><span aria-hidden="true">[^<]*</span>([^<]*)</span></li>`).exec(html)?.slice(1).join(' ');
}

describe('dashboard: decision words', () => {
  it('a fresh program shows both decisions pending, not NO-GO, on the overview and the program page', () => {
    const { overview, program } = pages(new Scenario().evaluate());
    expect(overviewItem(overview, 'Rehearsal continuation')).toBe('s-pending pending');
    expect(overviewItem(overview, 'Runtime cutover execution')).toBe('s-pending pending');
    expect(program).toContain('<h3>Rehearsal continuation <span class="badge s-pending">');
    expect(program).not.toMatch(/<h3>[^<]*<span class="badge nogo">/);
  });

  it('an explicit NO-GO stays NO-GO; after Phase 8 rehearsal continuation reads closed, and no longer counts as blocked', () => {
    const s = new Scenario();
    s.verdict(P, 'runtime-cutover', 'NO-GO');
    expect(pages(s.evaluate()).program).toContain('<h3>Runtime cutover execution <span class="badge nogo">');
    const done = afterGo().evaluate();
    const { overview, program } = pages(done);
    expect(overviewItem(overview, 'Rehearsal continuation')).toBe('s-not-required closed (pending)');
    expect(overviewItem(overview, 'Runtime cutover execution')).toBe('go GO');
    expect(program).toContain('<h3>Rehearsal continuation <span class="badge s-not-required">');
    expect(program).toContain('closed (pending)</span></h3>');
    expect(urgencyOf(done)).toBe('calm');
  });
});

describe('records: decision words', () => {
  const producerRecord = (ev: Evaluation, s: Scenario) => {
    const def = s.state.definition!;
    return renderRecord(ev, def, def.records.find((r) => r.id === 'producer-decision-record')!, '/nonexistent');
  };

  it('a record lists a decision nobody has voted on as pending, an explicit NO-GO as NO-GO, a closed one as closed with its last state', async () => {
    const s = new Scenario();
    s.verdict(P, 'runtime-cutover', 'NO-GO');
    const fresh = (await producerRecord(s.evaluate(), s)).text;
    expect(fresh).toContain('1. Rehearsal continuation: **pending**\n2. Runtime cutover execution: **NO-GO**\n');
    const done = afterGo();
    expect((await producerRecord(done.evaluate(), done)).text).toContain('1. Rehearsal continuation: **closed (pending)**\n2. Runtime cutover execution: **GO**\n');
  });
});
