/**
 * The bridge against a server: it opens the program there like any client, signs with the
 * automation key it holds (the server has none), and the server admits the line as verify would.
 * A version 4 webhook posted twice for one group: one incident.
 */
import { expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { cutover, tempDir } from '../support/cli.js';
import { cutoverAsync, waitFor } from '../support/monitoring.js';
import { BRIDGE_ROLE, monitoredProgram } from '../support/monitored-program.js';
import { eventsOf, startServer } from '../support/server.js';

it('records one incident per alert group on a server, through the bridge', async () => {
  const { dir, bridgeKey } = monitoredProgram();
  const server = await startServer(['--data', tempDir()]);
  const program = 'memorykernel-service-v3';
  try {
    const push = cutover(['-C', dir, 'push', '--server', server.url]);
    expect(push.code, push.stderr).toBe(0);
    const bridge = cutoverAsync(['--server', server.url, '--program', program, 'bridge', 'alertmanager', '--listen', '127.0.0.1:0', '--as', BRIDGE_ROLE, '--key', bridgeKey]);
    try {
      const url = await waitFor('the bridge to listen', () => /^(http:\/\/\S+)\n/.exec(bridge.out())?.[1]);
      const startsAt = new Date(Date.now() - 5000).toISOString();
      const webhook = {
        version: '4', groupKey: '{}:{alertname="HighErrorRate"}', status: 'firing', receiver: 'cutover', groupLabels: { alertname: 'HighErrorRate' }, commonLabels: {}, commonAnnotations: {}, externalURL: '', truncatedAlerts: 0,
        alerts: [{ status: 'firing', labels: { alertname: 'HighErrorRate' }, annotations: {}, startsAt, endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'f' }],
      };
      const first = await fetch(url, { method: 'POST', body: JSON.stringify(webhook) });
      expect(first.status).toBe(200);
      expect(((await first.json()) as { recorded: { type: string }[] }).recorded).toEqual([expect.objectContaining({ type: 'incident.declared' })]);
      const again = await fetch(url, { method: 'POST', body: JSON.stringify(webhook) });
      expect(((await again.json()) as { recorded: unknown[]; unchanged: string[] })).toMatchObject({ recorded: [], unchanged: [expect.stringContaining('already declared for this alert group')] });
      const declared = (await eventsOf(server.url, program)).trimEnd().split('\n').map((l) => JSON.parse(l) as LedgerEvent).filter((e) => e.type === 'incident.declared');
      expect(declared).toHaveLength(1);
      expect(declared[0]).toMatchObject({ actor: BRIDGE_ROLE, data: { identifiedAt: startsAt, party: 'memorykernel' } });
    } finally {
      bridge.child.kill('SIGTERM');
      await bridge.done;
    }
  } finally {
    await server.stop();
  }
}, 120_000);
