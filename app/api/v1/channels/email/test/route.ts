// POST /api/v1/channels/email/test {subject, body} (docs/api.md §6): sends one test email to the
// signed-in account's address through the same SMTP path as flows.
import { route } from "@/lib/http/route";
import { ApiError, forbidden } from "@/lib/http/errors";
import { TestEmailBody, sendTestEmail } from "@/lib/runtime/channels";
import { EMAIL_NOT_CONFIGURED } from "@/lib/runtime/email";
import { DeliveryError } from "@/lib/runtime/webhook";

export const POST = route({ name: "channels.email_test", access: "editor", body: TestEmailBody, limit: 600 * 1024 }, async ({ body, principal }) => {
  if (principal.kind !== "session") throw forbidden("A test email goes to the signed-in account's address: send it from the console");
  const to = principal.account.email;
  try {
    const r = await sendTestEmail(to, body);
    return { sent: true, to, messageId: r.messageId };
  } catch (err) {
    if (err instanceof DeliveryError && err.message === EMAIL_NOT_CONFIGURED) throw new ApiError(409, "channel_not_configured", `${EMAIL_NOT_CONFIGURED}, then restart the server`);
    if (err instanceof DeliveryError) throw new ApiError(502, "delivery_failed", `The SMTP server did not take the message: ${err.message}`);
    throw err;
  }
});
