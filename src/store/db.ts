// The bot's database interface: one small surface (query, transaction) over pg, on DATABASE_URL or embedded.
export type Row = Record<string, unknown>;

export interface Db {
  readonly kind: 'postgres' | 'embedded';
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs fn in one transaction on one connection; it commits when fn resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
