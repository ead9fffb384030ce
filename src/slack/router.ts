// One Bolt listener per kind of request (commands, actions, views), each finding its handler by name in a map. Bolt
// runs the matching middleware of every registered listener for every request, copying the listener arguments for
// each: with opsbot's forty-odd listeners that was about 200 KB of garbage per request, and the young-generation
// collections it caused were the slowest acknowledgements. Handlers keep Bolt's listener signature.
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
  const run = async (handlers: Handler[] | undefined, args: unknown) => {
    if (handlers) await Promise.all(handlers.map((handler) => handler(args as never)));
  };
  app.command(/^/, (args) => run(table.command.get(args.command.command), args));
  app.action(/^/, (args) => run(table.action.get('action_id' in args.action ? args.action.action_id : ''), args));
  app.view(/^/, (args) => run(table.view.get(args.view.callback_id), args));

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
