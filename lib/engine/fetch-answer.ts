// What a fetch node's HTTP answer means, as one pure rule shared by the runtime (real calls), the
// sandbox (stubbed answers) and the canvas's "Try it": a 2xx whose whole body is JSON leaves by
// `next`; a non-2xx (redirects are not followed), a body over the cap, or one that is not JSON by
// `failed`, with a reason a person can act on.
import type { FetchAnswer } from "./types";

export type RawAnswer = { status: number; body: string; ms: number; truncated?: boolean };

export function judgeAnswer(raw: RawAnswer, capBytes: number): FetchAnswer {
  const { status, ms } = raw;
  if (status < 200 || status > 299) {
    const redirect = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
    return { ok: false, error: `HTTP ${status}${redirect}`, status, ms };
  }
  if (raw.truncated) return { ok: false, error: `The answer is larger than ${capBytes} bytes`, status, ms };
  const text = raw.body.trim();
  if (!text) return { ok: false, error: "The answer is empty, not JSON", status, ms };
  try {
    return { ok: true, data: JSON.parse(text) as unknown, status, ms, cached: false };
  } catch {
    return { ok: false, error: `The answer is not JSON (it starts ${JSON.stringify(text.slice(0, 40))})`, status, ms };
  }
}
