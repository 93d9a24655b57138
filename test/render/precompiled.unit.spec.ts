/**
 * The built-in templates are compiled at build time (scripts/precompile-templates.js), so `render`
 * loads the Handlebars runtime only. The precompiled forms must be those of the texts in
 * templates.ts, and must render exactly what compiling the text renders.
 */
import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/domain/evaluate.js';
import type { RecordDefinition } from '../../src/program/schema.js';
import { renderTemplate } from '../../src/render/engine.js';
import { recordModel } from '../../src/render/model.js';
import { PRECOMPILED_PARTIALS, PRECOMPILED_TEMPLATES } from '../../src/render/precompiled-templates.js';
import { DEFAULT_TEMPLATES, PARTIALS, TEMPLATE_OPTIONS } from '../../src/render/templates.js';
import { afterGo, P } from '../support/program.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the engine rendered before templates were precompiled: compile the text, partials as text. */
function compiledFromText(text: string, model: unknown): string {
  const hb = Handlebars.create();
  for (const [name, partial] of Object.entries(PARTIALS)) hb.registerPartial(name, partial);
  return hb.compile(text, { ...TEMPLATE_OPTIONS })(model);
}

describe('precompiled record templates', () => {
  it('are compiled from the texts of templates.ts (rebuild after editing them)', () => {
    expect(Object.fromEntries(Object.entries(PRECOMPILED_TEMPLATES).map(([kind, t]) => [kind, t.sha256]))).toEqual(
      Object.fromEntries(Object.entries(DEFAULT_TEMPLATES).map(([kind, text]) => [kind, sha256(text)])),
    );
    expect(Object.fromEntries(Object.entries(PRECOMPILED_PARTIALS).map(([name, t]) => [name, t.sha256]))).toEqual(
      Object.fromEntries(Object.entries(PARTIALS).map(([name, text]) => [name, sha256(text)])),
    );
  });

  it('render every built-in kind exactly as compiling its text does', () => {
    const s = afterGo();
    const def = s.state.definition!;
    const ev = evaluate(s.state, new Date('2026-03-01T00:00:00Z'));
    for (const [kind, text] of Object.entries(DEFAULT_TEMPLATES)) {
      const record = { id: `r-${kind}`, kind, party: P, title: `A ${kind}`, path: `docs/${kind}.md`, inputs: [] } as RecordDefinition;
      const model = recordModel(ev, def, record);
      const rendered = renderTemplate({ source: `built-in ${kind} template`, text }, model);
      expect(rendered, kind).toBe(compiledFromText(text, model));
      expect(rendered.length, kind).toBeGreaterThan(100);
    }
  });
});
