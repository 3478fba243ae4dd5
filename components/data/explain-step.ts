// Plain-language reading of one recorded step (result + reason) for the profile page's explain trace.
import type { StepReason } from "@/lib/engine/types";

export type Tone = "ok" | "info" | "warn" | "bad" | "muted";
export type ExplainedStep = { label: string; tone: Tone; details: string[] };

const WINDOW: Record<string, string> = { day: "day", week: "week" };
const CHANNEL: Record<string, string> = { email: "email", webhook: "webhook", in_app: "in-app message" };

/** "Mar 3, 08:00 (in 5 h)" — absolute first, so a screenshot of the page still makes sense later. */
export function when(iso: string, now = Date.now()): string {
  const t = new Date(iso).getTime();
  if (!Number.isFinite(t)) return iso;
  const abs = new Date(t).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const diff = Math.round((t - now) / 60_000);
  const span = Math.abs(diff) < 60 ? `${Math.abs(diff)} min` : Math.abs(diff) < 48 * 60 ? `${Math.round(Math.abs(diff) / 60)} h` : `${Math.round(Math.abs(diff) / 1440)} d`;
  if (Math.abs(diff) < 1) return `${abs} (now)`;
  return diff > 0 ? `${abs} (in ${span})` : `${abs} (${span} ago)`;
}

function value(v: unknown): string {
  if (v === null || v === undefined) return "absent";
  if (typeof v === "string") return `“${v}”`;
  return JSON.stringify(v);
}

function capText(cap: NonNullable<StepReason["cap"]>): string {
  const channel = CHANNEL[cap.channel] ?? cap.channel;
  const plural = cap.limit === 1 ? "" : "s";
  return `the ${channel} frequency cap (${cap.limit} ${channel}${plural} per ${WINDOW[cap.window] ?? cap.window})`;
}

function seenLines(seen: NonNullable<StepReason["seen"]>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(seen.traits ?? {})) out.push(`Trait ${k} was ${value(v)}.`);
  for (const [k, n] of Object.entries(seen.events ?? {})) out.push(`${k} happened ${n} time${n === 1 ? "" : "s"} in the window.`);
  for (const [k, b] of Object.entries(seen.variants ?? {})) out.push(b === null ? `Not in split ${k}.` : `In branch ${b} of split ${k}.`);
  return out;
}

/** The trigger reason is "kind" or "kind: event name". */
function triggerText(t: string): string {
  const i = t.indexOf(": ");
  const kind = i < 0 ? t : t.slice(0, i);
  const event = i < 0 ? "" : t.slice(i + 2);
  if (kind === "identify") return "Let in by their first identify.";
  if (kind === "inactivity") return "Let in after a stretch without any event.";
  if (kind === "behavior") return event ? `Let in when ${event} happened often enough.` : "Let in by repeated events.";
  if (kind === "event") return event ? `Let in by the event ${event}.` : "Let in by an event.";
  return `Let in by ${t}.`;
}

/** What became of a message step's touchpoint (lib/profiles/message-fates.ts), when known. */
export type Delivery = { channel: string; fate: string; error?: string };
const CHANNEL_NAME: Record<string, string> = { email: "Email", webhook: "Webhook", in_app: "In-app message" };

/**
 * A message step records "sent" when the executor hands the message on; whether it was delivered is
 * the touchpoint's business. The label says what actually happened, so a failed email never reads
 * "sent" and an in-app message reads as shown or ready, not as sent.
 */
function deliveryLabel(d: Delivery): { label: string; tone: Tone; detail?: string } {
  const name = CHANNEL_NAME[d.channel] ?? "Message";
  switch (d.fate) {
    case "failed":
      return { label: `${name} failed`, tone: "bad", detail: d.error };
    case "sent":
      return { label: `${name} sent`, tone: "ok" };
    case "seen":
      return { label: `${name} shown`, tone: "ok" };
    case "waiting":
      return d.channel === "in_app" ? { label: `${name} held`, tone: "info" } : { label: `${name} queued`, tone: "info" };
    case "suppressed":
      return { label: `${name} not sent`, tone: "muted" };
    case "lost":
      return { label: `${name} not shown`, tone: "warn" };
    case "expired":
      return { label: `${name} withdrawn`, tone: "muted" };
    default:
      return { label: d.channel === "in_app" ? `${name} ready` : `${name} handed on`, tone: "info" };
  }
}

export function explainStep(step: { result: string; reason?: unknown; delivery?: Delivery }, now = Date.now()): ExplainedStep {
  const r = (step.reason && typeof step.reason === "object" ? step.reason : {}) as StepReason;
  const details: string[] = [];
  let label: string;
  let tone: Tone = "info";

  switch (step.result) {
    case "next":
      label = r.trigger ? "Entered the flow" : "Went on";
      if (r.trigger) details.push(triggerText(r.trigger));
      break;
    case "yes":
      label = "Condition true";
      tone = "ok";
      break;
    case "no":
      label = r.fellBack ? "Data missing, went down “no”" : "Condition false";
      if (r.fellBack) details.push("A trait the condition reads was absent and the node has no “missing” path, so the user went down “no”.");
      break;
    case "missing":
      label = "Data missing";
      tone = "warn";
      details.push("A trait the condition reads was absent: the user took the “missing” path.");
      break;
    case "waiting":
      label = "Waiting";
      if (r.due) details.push(`Until ${when(r.due, now)}.`);
      break;
    case "matched":
      label = "Wait ended: the event arrived";
      tone = "ok";
      if (r.event) details.push(`${r.event} arrived before the timeout.`);
      break;
    case "timeout":
      label = "Wait timed out";
      details.push("The awaited event did not arrive in time.");
      break;
    case "sent":
      if (step.delivery) {
        const d = deliveryLabel(step.delivery);
        label = d.label;
        tone = d.tone;
        if (d.detail) details.push(d.detail);
      } else {
        label = "Message handed on";
      }
      break;
    case "delayed":
      label = "Message held";
      tone = "warn";
      if (r.held === "quiet_hours") details.push("It was due inside the quiet hours.");
      else if (r.held === "frequency_cap") details.push(r.cap ? `It would have gone over ${capText(r.cap)}.` : "It would have gone over a frequency cap.");
      details.push(r.deliverAt ? `It goes out ${when(r.deliverAt, now)}; the user went on without waiting.` : "It goes out later; the user went on without waiting.");
      break;
    case "suppressed":
      label = "Message not sent";
      tone = "muted";
      if (r.suppressed === "holdout") details.push("The user is in the holdout (control) group, which never receives messages.");
      else if (r.suppressed === "global_control") details.push("The user is in the workspace's global control group, which receives no message from any flow.");
      else if (r.suppressed === "frequency_cap") details.push(r.cap ? `It would have gone over ${capText(r.cap)}, which drops extra messages.` : "A frequency cap dropped it.");
      else if (r.suppressed === "already_received") details.push("The user already received this message before moving to this version, so it was not sent twice.");
      break;
    case "failed":
      label = "Failed";
      tone = "bad";
      if (r.error) details.push(r.error);
      if (r.usedFallback) details.push("The fallback text went out instead.");
      break;
    case "updated":
      label = "Traits updated";
      tone = "ok";
      if (r.traits) details.push(Object.entries(r.traits).map(([k, v]) => `${k} = ${value(v)}`).join(", "));
      break;
    case "exited":
      label = "Left the flow";
      tone = "muted";
      break;
    case "migrated":
      label = "Moved to the new version";
      tone = "info";
      details.push(r.migratedFrom ? `Came from node ${r.migratedFrom.nodeId} of version ${r.migratedFrom.version} when the flow was republished.` : "Moved here when the flow was republished.");
      if (r.due) details.push(`Waits here until ${when(r.due, now)}, counted from when the wait began.`);
      break;
    default:
      // A split records the branch id as its result.
      label = r.bucket !== undefined ? `Branch ${step.result}` : step.result;
      if (r.bucket !== undefined) details.push(r.sticky ? "Same branch as on an earlier visit." : `Bucket ${r.bucket} of 100.`);
  }
  if (step.result !== "failed" && r.error) details.push(`Template problem: ${r.error}${r.usedFallback ? " (the fallback text went out)" : ""}.`);
  if (r.seen) details.push(...seenLines(r.seen));
  return { label, tone, details };
}
