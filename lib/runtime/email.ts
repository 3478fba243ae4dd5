// Email delivery over SMTP with nodemailer. Settings from the environment: SMTP_URL, or SMTP_HOST,
// SMTP_PORT (default 587, or 465 when SMTP_SECURE=true), SMTP_USER, SMTP_PASS, SMTP_SECURE; sender
// SMTP_FROM. The Message-ID is derived from the touchpoint key, so a re-delivery after a crash carries
// the same id and mail systems that deduplicate by it drop the copy.
import { createHash } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import { DeliveryError } from "./webhook";

type Cached = { config: string; transport: Transporter };
const holder = globalThis as unknown as { __pathwiseSmtp?: Cached };

function transportConfig(): { key: string; options: string | Record<string, unknown> } | null {
  const env = process.env;
  if (env.SMTP_URL) return { key: env.SMTP_URL, options: env.SMTP_URL };
  if (!env.SMTP_HOST) return null;
  const secure = env.SMTP_SECURE === "true" || env.SMTP_SECURE === "1";
  const options: Record<string, unknown> = {
    host: env.SMTP_HOST,
    port: Number(env.SMTP_PORT ?? (secure ? 465 : 587)),
    secure,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
  if (env.SMTP_USER) options.auth = { user: env.SMTP_USER, pass: env.SMTP_PASS ?? "" };
  return { key: JSON.stringify(options), options };
}

/** Whether email can go out, and through which server (never the password), for the console and publish checks. */
export function emailChannel(): { configured: boolean; server: string | null; from: string } {
  const env = process.env;
  const from = env.SMTP_FROM || "Pathwise <no-reply@localhost>";
  if (env.SMTP_URL) {
    try {
      const u = new URL(env.SMTP_URL);
      return { configured: true, server: `${u.hostname}${u.port ? `:${u.port}` : ""}`, from };
    } catch {
      return { configured: true, server: null, from };
    }
  }
  if (!env.SMTP_HOST) return { configured: false, server: null, from };
  const secure = env.SMTP_SECURE === "true" || env.SMTP_SECURE === "1";
  return { configured: true, server: `${env.SMTP_HOST}:${env.SMTP_PORT ?? (secure ? 465 : 587)}`, from };
}

export const EMAIL_NOT_CONFIGURED = "Email is not configured: set SMTP_URL or SMTP_HOST";

function transport(): Transporter {
  const cfg = transportConfig();
  if (!cfg) throw new DeliveryError(EMAIL_NOT_CONFIGURED, true);
  if (holder.__pathwiseSmtp?.config !== cfg.key) {
    holder.__pathwiseSmtp?.transport.close();
    holder.__pathwiseSmtp = { config: cfg.key, transport: nodemailer.createTransport(cfg.options as never) };
  }
  return holder.__pathwiseSmtp.transport;
}

export type EmailMessage = { key: string; to: string | null; subject: string; body: string };

export async function sendEmail(msg: EmailMessage): Promise<{ messageId: string; response: string }> {
  if (!msg.to) throw new DeliveryError("No recipient: the message has no `to` and the user has no email trait", true);
  const from = process.env.SMTP_FROM || "Pathwise <no-reply@localhost>";
  const id = createHash("sha256").update(msg.key).digest("hex").slice(0, 32);
  try {
    const info = await transport().sendMail({
      from,
      to: msg.to,
      subject: msg.subject,
      html: msg.body,
      messageId: `<${id}@pathwise>`,
      headers: { "Pathwise-Delivery": msg.key },
    });
    return { messageId: String(info.messageId ?? ""), response: String(info.response ?? "") };
  } catch (err) {
    // Not configured is our own verdict, permanent: retrying cannot set SMTP up.
    if (err instanceof DeliveryError) throw err;
    const e = err as { responseCode?: number; message?: string };
    // 5xx from the server (bad recipient, refused) will not change on retry; connection trouble may.
    const permanent = typeof e.responseCode === "number" && e.responseCode >= 500 && e.responseCode < 600;
    throw new DeliveryError(`SMTP: ${e.message ?? String(err)}`, permanent);
  }
}
