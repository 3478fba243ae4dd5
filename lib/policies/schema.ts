// Workspace policies as zod schemas (the single source of their shape): frequency caps per channel,
// quiet hours and the default time zone. Stored under the `policies` key of workspace_settings.
import { z } from "zod";

export const CHANNELS = ["email", "webhook", "in_app"] as const;
export const Channel = z.enum(CHANNELS).meta({ id: "Channel" });
export type Channel = z.infer<typeof Channel>;

/** True when the runtime's Intl knows the IANA zone name. */
export function isTimeZone(name: string): boolean {
  if (!name) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z
  .string()
  .min(1)
  .refine(isTimeZone, { message: "Expected an IANA time zone name such as Europe/Paris or UTC" })
  .meta({ id: "TimeZone", examples: ["Europe/Paris"] });

const ClockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Expected a 24-hour time HH:MM")
  .meta({ examples: ["22:00"] });

export const FrequencyCap = z
  .object({
    channel: Channel,
    limit: z.number().int().min(0).max(1000).describe("At most this many touchpoints per user in the window"),
    window: z.enum(["day", "week"]).describe("The user's calendar day, or ISO week (Monday to Sunday), in their time zone"),
    action: z.enum(["drop", "delay"]).default("drop").describe("Over the cap: drop the touchpoint, or delay it to the next window"),
  })
  .meta({ id: "FrequencyCap" });
export type FrequencyCap = z.infer<typeof FrequencyCap>;

export const QuietHours = z
  .object({
    enabled: z.boolean().default(true),
    start: ClockTime.describe("Local time quiet hours begin"),
    end: ClockTime.describe("Local time quiet hours end (may be on the next day)"),
  })
  .meta({ id: "QuietHours" });
export type QuietHours = z.infer<typeof QuietHours>;

export const Policies = z
  .object({
    caps: z
      .array(FrequencyCap)
      .max(20)
      .default([])
      .refine((caps) => new Set(caps.map((c) => `${c.channel}:${c.window}`)).size === caps.length, { message: "At most one cap per channel and window" }),
    quietHours: QuietHours.nullable().default(null).describe("Email and webhook touchpoints due inside are delayed to the end; in-app is not"),
    timezone: TimeZone.default("UTC").describe("Used for users without a valid `timezone` trait"),
  })
  .meta({ id: "Policies" });
export type Policies = z.infer<typeof Policies>;
export type PoliciesInput = z.input<typeof Policies>;

export const DEFAULT_POLICIES: Policies = Policies.parse({});

/** Channels quiet hours apply to: people notice an email or a pushed webhook at night, not an in-app slot. */
export const QUIET_CHANNELS: readonly Channel[] = ["email", "webhook"];

/** The user's time zone: a valid `timezone` trait, else the workspace default. */
export function userTimeZone(traits: Record<string, unknown> | null | undefined, fallback: string): string {
  const tz = traits?.timezone;
  return typeof tz === "string" && isTimeZone(tz) ? tz : fallback;
}
