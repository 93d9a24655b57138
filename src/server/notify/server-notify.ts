/** The notifier as part of `cutover serve`: started once the server is ready, stopped before the store closes. */
import type { App, ServerContext } from '../context.js';
import type { DeliveryState } from './delivery-state.js';
import { Notifier } from './notifier.js';
import { registerNotifyRoutes } from './routes.js';
import type { DeliveryKey } from './signing.js';
import type { Sink } from './sinks.js';

export interface NotifyOptions {
  readonly sinks: readonly Sink[];
  readonly state: DeliveryState;
  readonly key: DeliveryKey;
  /** Where people reach the dashboard (links in messages). */
  readonly publicUrl?: string;
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly timeoutMs?: number;
  readonly perSink?: number;
  readonly tickMs?: number;
}

export function startNotifications(app: App, context: ServerContext, options: NotifyOptions | undefined): Notifier | null {
  if (options === undefined || options.sinks.length === 0) {
    registerNotifyRoutes(app, context, null, options?.key ?? null);
    return null;
  }
  const { metrics } = context;
  const notifier = new Notifier({
    ...options,
    store: context.store,
    now: context.now,
    appended: context.appended,
    log: { warn: (message) => app.log.warn(message) },
    observer: {
      delivered: (sink) => metrics.notifyDelivered.inc({ sink }),
      failed: (sink) => metrics.notifyFailures.inc({ sink }),
      dead: (sink) => metrics.notifyDeadLetters.inc({ sink }),
    },
  });
  registerNotifyRoutes(app, context, notifier, options.key);
  app.addHook('onReady', async () => notifier.start());
  app.addHook('preClose', async () => notifier.stop());
  return notifier;
}
