// Finished operations, as an event: listeners that show state (the App Home) learn that something changed, without
// the pipeline knowing who they are. A listener's failure never reaches the operation.

export interface OperationFinished {
  /** The operation's kind (`alert.acknowledge`, `smoke`, `maintenance.start`). */
  kind: string;
  outcome: 'done' | 'failed' | 'interrupted';
}
export type OperationListener = (event: OperationFinished) => void;

export interface OperationEvents {
  /** Returns the function that removes the listener. */
  on(listener: OperationListener): () => void;
  emit(event: OperationFinished): void;
}

export function createOperationEvents(onError: (error: unknown) => void = () => {}): OperationEvents {
  const listeners = new Set<OperationListener>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
