// A real SMTP server on a free loopback port that keeps every message it receives, for tests of email
// delivery (no TLS, no AUTH). `useInEnv()` points the app's SMTP settings at it.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; raw: string };

export type TestSmtp = { port: number; mails: ReceivedMail[]; useInEnv(from?: string): void; close(): Promise<void> };

export async function startSmtp(): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ from: String(session.envelope.mailFrom && session.envelope.mailFrom.address), to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
  const port = (smtp.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    useInEnv(from) {
      process.env.SMTP_HOST = "127.0.0.1";
      process.env.SMTP_PORT = String(port);
      if (from) process.env.SMTP_FROM = from;
    },
    close: () => new Promise<void>((r) => smtp.close(() => r())),
  };
}
