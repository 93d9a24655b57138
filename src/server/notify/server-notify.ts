/** The notifier as part of `cutover serve`: started once the server is ready, stopped before the store closes. */
import type { App, ServerContext } from '../context.js';
import { Notifier, type NotifierOptions } from './notifier.js';
import { registerNotifyRoutes } from './routes.js';

/** What `cutover serve` gives the notifier; the server adds its store, clock, appends, metrics and log. */
export type NotifyOptions = Omit<NotifierOptions, 'store' | 'now' | 'appended' | 'observer' | 'log' | 'summaries'>;

export function startNotifications(app: App, context: ServerContext, options: NotifyOptions | undefined): Notifier | null {
  if (options === undefined || options.sinks.length === 0) {
    registerNotifyRoutes(app, context, null, options?.key ?? null);
    return null;
  }
  const { metrics } = context;
  const notifier = new Notifier({
    ...options,
    store: context.store,
    summaries: context.summaries,
    now: context.now,
    appended: context.appended,
    log: { warn: (message) => app.log.warn(message), info: (message) => app.log.info(message) },
    observer: {
      delivered: (sink) => metrics.notifyDelivered.inc({ sink }),
      failed: (sink) => metrics.notifyFailures.inc({ sink }),
      dead: (sink) => metrics.notifyDeadLetters.inc({ sink }),
    },
  });
  metrics.notifyHeld.read = () => notifier.heldPrograms;
  registerNotifyRoutes(app, context, notifier, options.key);
  app.addHook('onReady', async () => notifier.start());
  app.addHook('preClose', async () => notifier.stop());
  return notifier;
}
