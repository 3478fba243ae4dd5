// Real receivers for the messages the server delivers: an HTTP server for webhooks and an SMTP server
// for email, both on loopback ports, recording what arrives.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type Hook = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string; at: number };
export type Mail = { from: string; to: string[]; raw: string; at: number };

export class Receivers {
  hooks: Hook[] = [];
  mails: Mail[] = [];
  private http?: http.Server;
  private smtp?: SMTPServer;
  httpPort = 0;
  smtpPort = 0;

  async start() {
    this.http = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.hooks.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
        // A path with /fail answers 500 every time: the delivery must end `failed`.
        res.writeHead(req.url?.includes("/fail") ? 500 : 200, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((r) => this.http!.listen(0, "127.0.0.1", r));
    this.httpPort = (this.http.address() as AddressInfo).port;
    this.smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
            at: Date.now(),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => this.smtp!.listen(0, "127.0.0.1", r));
    this.smtpPort = (this.smtp.server.address() as AddressInfo).port;
  }

  get hookBase() {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  async stop() {
    await new Promise<void>((r) => (this.http ? this.http.close(() => r()) : r()));
    this.http?.closeAllConnections();
    await new Promise<void>((r) => (this.smtp ? this.smtp.close(() => r()) : r()));
  }
}
