// One global middleware routes every command, action and view to its handler by name. Bolt runs the matching
// middleware of every registered listener for every request, copying the listener arguments for each: with opsbot's
// forty-odd listeners that was about 200 KB of garbage per request, and with one listener per kind still some 10 KB,
// whose young-generation collections are the slowest acknowledgements. A request no handler takes goes on to Bolt's
// listeners (events, and what a test registers). Handlers keep Bolt's listener signature: the middleware's arguments
// are the listener's (Bolt passes both the same fields), and an error thrown reaches the app's error handler as a
// listener's does.
import type { App } from '@slack/bolt';

/** What the register functions use of the app. */
export type Surfaces = Pick<App, 'command' | 'action' | 'view' | 'event'>;

type Handler = (args: never) => Promise<unknown> | unknown;

export function routedSurfaces(app: App): Surfaces {
  const table = {
    command: new Map<string, Handler[]>(),
    action: new Map<string, Handler[]>(),
    view: new Map<string, Handler[]>(),
  };
  app.use(async (args) => {
    const { command, action, view } = args as {
      command?: { command: string };
      action?: { action_id?: string };
      view?: { callback_id: string };
    };
    const handlers = command
      ? table.command.get(command.command)
      : action
        ? table.action.get(action.action_id ?? '')
        : view
          ? table.view.get(view.callback_id)
          : undefined;
    if (!handlers) return args.next();
    // A listener's next() does nothing: a handler that calls it must not run Bolt's listeners too.
    const listenerArgs = { ...args, next: () => {} } as never;
    await Promise.all(handlers.map((handler) => handler(listenerArgs)));
  });

  const add =
    (kind: keyof typeof table) =>
    (name: unknown, ...handlers: unknown[]) => {
      // Registration is opsbot's own code: a pattern or listener middleware here is a mistake, found at start.
      if (typeof name !== 'string' || handlers.length !== 1) throw new Error(`${kind}: one name, one handler`);
      table[kind].set(name, [...(table[kind].get(name) ?? []), handlers[0] as Handler]);
    };
  return {
    command: add('command'),
    action: add('action'),
    view: add('view'),
    event: app.event.bind(app),
  } as unknown as Surfaces;
}
