import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeHtml, html } from '../../src/server/dashboard/html.js';

describe('dashboard html', () => {
  it('escapes every value placed in a template, and keeps markup made by the tag', () => {
    const note = `<script>alert(1)</script><img src=x onerror="alert('x')">&`;
    expect(html`<p title="${note}">${note}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</p>',
    );
    expect(html`<ul>${['<a>', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.text).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
  });

  it('never lets a string open a tag or leave an attribute', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = escapeHtml(text);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
      }),
    );
  });
});
