// pg_dump / pg_restore end with opsbot: on exit, and on SIGTERM/SIGINT when nothing else handles the signal (a CLI
// run), they are signalled too, instead of running on as orphans. SIGKILL cannot be caught: see the README.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function endAll(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of live) if (child.exitCode === null) child.kill(signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => endAll());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const handler = () => {
      // Prepended, so listeners registered before this one are still counted: a graceful stop (serve) owns the
      // signal and exits through process.exit, which 'exit' above covers. Alone, keep the default: end, by signal.
      if (process.listenerCount(signal) > 1) return;
      endAll(signal);
      process.off(signal, handler);
      process.kill(process.pid, signal);
    };
    process.prependListener(signal, handler);
  }
}

/** Ties child to this process's life; forgotten once it exits. */
export function adopt<C extends ChildProcess>(child: C): C {
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}
