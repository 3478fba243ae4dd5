// Prisma CLI configuration: schema and migrations live under prisma/; the URL is only needed by
// `prisma migrate status|deploy` on machines that have Prisma's engines.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/pathwise" },
});
