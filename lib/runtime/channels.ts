// Channel set-up and deliverability (docs/api.md §6): whether email can go out at all, which message
// steps of a graph cannot be delivered as configured (an email step without SMTP, a webhook to an
// address the outbound guard refuses), and "send test to me" for an email step. The console shows
// the status in the inspector and the warnings in the publish dialog; nothing here blocks a publish.
import { z } from "zod";
import type { Graph } from "@/lib/flow/schema";
import { DeliveryError, resolveTarget } from "./webhook";
import { EMAIL_NOT_CONFIGURED, emailChannel, sendEmail } from "./email";

export const ChannelStatus = z
  .object({
    email: z.object({
      configured: z.boolean().describe("SMTP_URL or SMTP_HOST is set"),
      server: z.string().nullable().describe("host:port of the SMTP server, never its credentials"),
      from: z.string().describe("The sender address (SMTP_FROM)"),
    }),
    webhook: z.object({
      configured: z.literal(true),
      allowlist: z.array(z.string()).describe("PATHWISE_WEBHOOK_ALLOWLIST: private hosts or ranges webhooks may reach"),
    }),
    inApp: z.object({ configured: z.literal(true) }),
  })
  .meta({ id: "ChannelStatus" });
export type ChannelStatus = z.infer<typeof ChannelStatus>;

export function channelStatus(): ChannelStatus {
  const allowlist = (process.env.PATHWISE_WEBHOOK_ALLOWLIST ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return { email: emailChannel(), webhook: { configured: true, allowlist }, inApp: { configured: true } };
}

export const DeliveryWarning = z
  .object({
    nodeId: z.string(),
    label: z.string().optional(),
    channel: z.enum(["email", "webhook"]),
    code: z.enum(["email_not_configured", "webhook_refused", "webhook_unresolvable"]),
    message: z.string(),
  })
  .meta({ id: "DeliveryWarning" });
export type DeliveryWarning = z.infer<typeof DeliveryWarning>;

export const DeliveryCheckBody = z.object({ graph: z.object({ nodes: z.array(z.object({ id: z.string(), type: z.string(), label: z.string().optional(), data: z.unknown() }).passthrough()).max(2000) }).passthrough() }).meta({ id: "DeliveryCheckRequest" });
export const DeliveryCheckResult = z.object({ warnings: z.array(DeliveryWarning) }).meta({ id: "DeliveryCheckResponse" });

/** The URL a webhook step will call, when it is fixed text (a Liquid host is only known per user). */
function staticUrl(url: unknown): URL | null {
  if (typeof url !== "string" || url.includes("{{") || url.includes("{%")) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The message steps of `graph` that cannot be delivered as things stand. Resolves each webhook host once. */
export async function deliveryWarnings(graph: Pick<Graph, "nodes"> | { nodes: { id: string; type: string; label?: string; data: unknown }[] }): Promise<DeliveryWarning[]> {
  const out: DeliveryWarning[] = [];
  const email = emailChannel();
  const checked = new Map<string, Promise<{ code: DeliveryWarning["code"]; message: string } | null>>();
  for (const node of graph.nodes) {
    if (node.type !== "message") continue;
    const data = (node.data ?? {}) as { channel?: string; url?: unknown };
    const label = typeof node.label === "string" && node.label ? node.label : undefined;
    if (data.channel === "email" && !email.configured) {
      out.push({ nodeId: node.id, ...(label ? { label } : {}), channel: "email", code: "email_not_configured", message: `${EMAIL_NOT_CONFIGURED}. Until then every email of this step fails.` });
    } else if (data.channel === "webhook") {
      const url = staticUrl(data.url);
      if (!url) continue;
      const key = url.origin;
      if (!checked.has(key)) {
        checked.set(
          key,
          resolveTarget(url).then(
            () => null,
            (err: unknown) => {
              const e = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
              return { code: e.permanent ? ("webhook_refused" as const) : ("webhook_unresolvable" as const), message: `${e.message}. Calls of this step will fail.` };
            },
          ),
        );
      }
      const problem = await checked.get(key)!;
      if (problem) out.push({ nodeId: node.id, ...(label ? { label } : {}), channel: "webhook", ...problem });
    }
  }
  return out;
}

export const TestEmailBody = z
  .object({
    subject: z.string().max(2000).describe("Already rendered, or Liquid rendered against the sample or profile by the console"),
    body: z.string().max(512 * 1024),
  })
  .meta({ id: "TestEmailRequest" });
export const TestEmailResult = z.object({ sent: z.literal(true), to: z.string(), messageId: z.string() }).meta({ id: "TestEmailResponse" });

/** Sends one test email through the same SMTP path as flows. Throws DeliveryError (EMAIL_NOT_CONFIGURED first). */
export async function sendTestEmail(to: string, msg: { subject: string; body: string }): Promise<{ messageId: string }> {
  if (!emailChannel().configured) throw new DeliveryError(EMAIL_NOT_CONFIGURED, true);
  const info = await sendEmail({ key: `test:${to}:${Date.now()}:${Math.random()}`, to, subject: `[Test] ${msg.subject}`, body: msg.body });
  return { messageId: info.messageId };
}
