// The Prometheus text /metrics serves: one series per label set, whatever order the labels come in.
import { describe, expect, it } from 'vitest';
import { ServerMetrics } from '../../src/server/metrics.js';

describe('server metrics', () => {
  it('counts a label set as one series in any order, and buckets latencies cumulatively', () => {
    const metrics = new ServerMetrics();
    metrics.requests.inc({ route: '/v1/programs/:id/status', method: 'GET', status: '200' });
    metrics.requests.inc({ status: '200', method: 'GET', route: '/v1/programs/:id/status' });
    metrics.requests.inc({ route: '/v1/programs/:id/status', method: 'GET', status: '304' });
    metrics.latency.observe({ route: '/healthz', method: 'GET' }, 0.003);
    metrics.latency.observe({ route: '/healthz', method: 'GET' }, 0.2);
    const text = metrics.text();
    expect(text).toContain('cutover_http_requests_total{route="/v1/programs/:id/status",method="GET",status="200"} 2\n');
    expect(text).toContain('cutover_http_requests_total{route="/v1/programs/:id/status",method="GET",status="304"} 1\n');
    expect(text).toContain('cutover_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="0.001"} 0\n');
    expect(text).toContain('cutover_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="0.005"} 1\n');
    expect(text).toContain('cutover_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="0.25"} 2\n');
    expect(text).toContain('cutover_http_request_duration_seconds_count{route="/healthz",method="GET"} 2\n');
  });
});
