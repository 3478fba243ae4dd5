// Every TanStack Query key of the console, in one place, so invalidation is never a guess.
export const qk = {
  me: ["me"] as const,
  flows: ["flows"] as const,
  flow: (id: string) => ["flows", id] as const,
  flowVersions: (id: string) => ["flows", id, "versions"] as const,
  flowVersion: (id: string, version: number) => ["flows", id, "versions", version] as const,
  flowStats: (id: string, range?: { from?: string; to?: string }) => ["flows", id, "stats", range ?? {}] as const,
  keys: ["keys"] as const,
  policies: ["policies"] as const,
  migrationPlan: (flowId: string, mapping: Record<string, string | null>) => ["flows", flowId, "migration-plan", mapping] as const,
  accounts: ["accounts"] as const,
  audit: (filter: { action?: string; actor?: string }) => ["audit", filter] as const,
  users: (q: string) => ["users", q] as const,
  user: (id: string) => ["user", id] as const,
  imports: ["imports"] as const,
  importJob: (id: string) => ["imports", id] as const,
};
