// Console accounts: passwords hashed with bcrypt; the admin named by PATHWISE_ADMIN_EMAIL and
// PATHWISE_ADMIN_PASSWORD is created, or its password reset, at start.
import bcrypt from "bcryptjs";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { ROLES, type Role } from "./roles";

const COST = 10;

export const Email = z.string().trim().toLowerCase().email("Enter a valid email address").max(320);
export const Password = z.string().min(8, "A password needs at least 8 characters").max(200);
export const CreateAccountBody = z
  .object({ email: Email, password: Password, role: z.enum(ROLES).default("viewer"), name: z.string().max(200).optional() })
  .meta({ id: "CreateAccountBody" });

export async function hashPassword(password: string) {
  return bcrypt.hash(password, COST);
}

export async function createAccount(db: Db, input: z.infer<typeof CreateAccountBody>) {
  const account = await createAccountIfNew(db, input);
  if (!account) throw new Error(`An account with the email ${input.email} exists already`);
  return account;
}

/**
 * Creates the account unless its email is taken, in one statement: two requests for the same email
 * at the same moment create one account and get null for the other, never a unique violation.
 */
export async function createAccountIfNew(db: Db, input: z.infer<typeof CreateAccountBody>) {
  const passwordHash = await hashPassword(input.password);
  const rows = await db.sql.query<{ id: string; email: string; name: string | null; role: string; created_at: Date }>(
    `INSERT INTO accounts (email, password_hash, role, name) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO NOTHING RETURNING id, email, name, role, created_at`,
    [input.email, passwordHash, input.role, input.name ?? null],
  );
  return rows[0] ? publicAccount({ ...rows[0], createdAt: rows[0].created_at }) : null;
}

export function publicAccount(row: { id: string; email: string; name: string | null; role: string; createdAt: Date }) {
  return { id: row.id, email: row.email, name: row.name, role: row.role as Role, createdAt: row.createdAt.toISOString() };
}

// A fixed hash to compare against when the email is unknown, so timing does not reveal accounts.
let dummyHash: string | undefined;

export async function verifyLogin(db: Db, email: string, password: string) {
  const row = await db.prisma.account.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await bcrypt.compare(password, row?.passwordHash ?? (dummyHash ??= bcrypt.hashSync("not a password", COST)));
  return ok && row ? publicAccount(row) : null;
}

export async function bootstrapAdmin(db: Db) {
  const email = process.env.PATHWISE_ADMIN_EMAIL?.trim().toLowerCase();
  const password = process.env.PATHWISE_ADMIN_PASSWORD;
  if (!email || !password) return null;
  const passwordHash = await hashPassword(password);
  const row = await db.prisma.account.upsert({
    where: { email },
    create: { email, passwordHash, role: "admin", name: "Admin" },
    update: { passwordHash, role: "admin" },
  });
  return publicAccount(row);
}
