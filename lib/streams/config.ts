// What a stream source is configured with (RabbitMQ queue, NATS JetStream stream and subject), the
// zod schemas the API validates with, and the URL shown back with its password hidden.
import { z } from "zod";

export const STREAM_KINDS = ["rabbitmq", "nats"] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];
export const isStreamKind = (k: string): k is StreamKind => (STREAM_KINDS as readonly string[]).includes(k);

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "An environment variable name");
const Prefetch = z.number().int().min(1).max(5000).optional().describe("Messages each instance holds unacknowledged at most (default 500)");
// JetStream names may not hold spaces, dots, wildcards or path separators.
const NatsName = z.string().trim().min(1).max(200).regex(/^[^\s.*>/\\]+$/, "No spaces, dots, *, > or slashes");

const urlFor = (schemes: string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .refine((v) => {
      try {
        return schemes.includes(new URL(v).protocol.replace(/:$/, ""));
      } catch {
        return false;
      }
    }, `Expected a URL starting with ${schemes.map((s) => `${s}://`).join(" or ")}`);

const common = {
  name: z.string().trim().min(1, "A source needs a name").max(200),
  enabled: z.boolean().default(true),
  prefetch: Prefetch,
};

const connection = {
  url: z.string().trim().min(1).max(2000).optional().describe("Connection URL; credentials in it are stored encrypted and never shown again"),
  urlEnv: EnvName.optional().describe("Or: the name of an environment variable holding the URL"),
};

const oneUrl = (schemes: string[]) => (v: { url?: string; urlEnv?: string }, ctx: z.RefinementCtx) => {
  if (!!v.url === !!v.urlEnv) ctx.addIssue({ code: "custom", path: ["url"], message: "Give either url or urlEnv" });
  else if (v.url && !urlFor(schemes).safeParse(v.url).success) ctx.addIssue({ code: "custom", path: ["url"], message: `Expected a URL starting with ${schemes.map((s) => `${s}://`).join(" or ")}` });
};

export const RabbitSourceInput = z
  .object({ ...common, kind: z.literal("rabbitmq"), ...connection, queue: z.string().trim().min(1).max(255) })
  .superRefine(oneUrl(["amqp", "amqps"]))
  .meta({ id: "RabbitSourceInput" });
export const NatsSourceInput = z
  .object({ ...common, kind: z.literal("nats"), ...connection, stream: NatsName, subject: z.string().trim().min(1).max(255).regex(/^\S+$/, "No spaces") })
  .superRefine(oneUrl(["nats", "tls"]))
  .meta({ id: "NatsSourceInput" });
export type RabbitSourceInput = z.infer<typeof RabbitSourceInput>;
export type NatsSourceInput = z.infer<typeof NatsSourceInput>;
export type StreamSourceInput = RabbitSourceInput | NatsSourceInput;

/** Settings changed on an existing stream source (kind stays). */
export const StreamSourceUpdate = z
  .object({
    url: z.string().trim().min(1).max(2000).optional(),
    urlEnv: EnvName.optional(),
    queue: z.string().trim().min(1).max(255).optional(),
    stream: NatsName.optional(),
    subject: z.string().trim().min(1).max(255).optional(),
    prefetch: Prefetch,
  })
  .meta({ id: "StreamSourceUpdate" });

/** What is stored in sources.config and shown back: never a password. */
export const StreamConfig = z
  .object({
    url: z.string().optional().describe("The URL with its password (or token) hidden"),
    urlEnv: z.string().optional(),
    queue: z.string().optional(),
    stream: z.string().optional(),
    subject: z.string().optional(),
    prefetch: z.number().int().optional(),
  })
  .meta({ id: "StreamConfig" });
export type StreamConfig = z.infer<typeof StreamConfig>;

/** The URL as it may be shown: password and token replaced. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = "****";
    else if (u.username && u.protocol.startsWith("nats")) u.username = "****"; // a NATS token sits where a user would
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

export const DEFAULT_PREFETCH = 500;

const SCHEMES: Record<StreamKind, string[]> = { rabbitmq: ["amqp", "amqps"], nats: ["nats", "tls"] };

/** Problems of an update to a stream source of this kind: a URL of the other broker, fields of the other kind. */
export function streamUpdateProblems(kind: StreamKind, input: z.infer<typeof StreamSourceUpdate>): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  if (input.url && !urlFor(SCHEMES[kind]).safeParse(input.url).success) out.push({ path: "url", message: `Expected a URL starting with ${SCHEMES[kind].map((s) => `${s}://`).join(" or ")}` });
  if (input.url && input.urlEnv) out.push({ path: "url", message: "Give either url or urlEnv" });
  const foreign = kind === "rabbitmq" ? (["stream", "subject"] as const) : (["queue"] as const);
  for (const f of foreign) if (input[f] !== undefined) out.push({ path: f, message: `A ${kind} source has no ${f}` });
  return out;
}
