// The bot's database interface: one small surface (query, transaction) over pg, on DATABASE_URL or embedded.
export type Row = Record<string, unknown>;

export interface QueryOptions {
  name?: string;
}

export interface Db {
  readonly kind: 'postgres' | 'embedded';
  /**
   * options.name: run it as a named prepared statement (one per SQL text), which a connection parses and plans once,
   * not at each call; for a statement on a hot path. Ignored where there is nothing to prepare.
   */
  query<T = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs fn in one transaction on one connection; it commits when fn resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
