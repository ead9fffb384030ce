// Exit codes every subcommand shares; a module of its own so `opsbot --help` loads nothing else.

/** 0 healthy/PASS, 1 failing/FAIL, 2 usage or configuration error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
