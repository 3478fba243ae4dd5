// The contract suite for one database kind: one server shared by every section, started before and
// stopped (and its store dropped) after; the restart checks run last because they replace the process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY, Server, dropStore, freshPglite, freshPostgres, type Store } from "./server";
import { client, type Client } from "./http";
import { authSection } from "./s2-auth";
import { errorsSection } from "./s3-errors";
import { ingestSection } from "./s4-ingest";
import { flowsSection } from "./s5-flows";
import { decideSection } from "./s6-decide";
import { opsSection } from "./s7-ops";
import { consoleSection } from "./s8-console";
import { runningSection } from "./s1-running";
import { deliveriesSection } from "./s6b-deliveries";
import { Receivers } from "./receivers";
import { loadOpenApiCheck, type OpenApiCheck } from "./openapi-check";
import { segmentClientsSection } from "./s4b-segment-clients";

export type Ctx = {
  kind: "pglite" | "pg";
  server: Server;
  store: Store;
  /** Bound to the current process (a restart moves it). */
  api: Client;
  url: string;
  key: string;
  receivers: Receivers;
  /** The served OpenAPI document, checking every answer `api` receives. */
  openapi: OpenApiCheck;
};

export function contractSuite(kind: "pglite" | "pg", opts: { console?: boolean } = {}) {
  const ctx = { kind, key: API_KEY } as Ctx;
  const bind = () => {
    ctx.url = ctx.server.url;
    ctx.api = client(ctx.server.url, API_KEY, () => ctx.openapi);
  };

  beforeAll(async () => {
    ctx.store = kind === "pg" ? await freshPostgres() : await freshPglite();
    ctx.receivers = new Receivers();
    await ctx.receivers.start();
    ctx.server = new Server(ctx.store, {
      PATHWISE_WEBHOOK_ALLOWLIST: "127.0.0.1,localhost",
      SMTP_URL: `smtp://127.0.0.1:${ctx.receivers.smtpPort}`,
      // A receiver that always fails is given up on quickly.
      PATHWISE_DELIVERY_ATTEMPTS: "2",
    });
    await ctx.server.start();
    ctx.openapi = await loadOpenApiCheck(ctx.server.url);
    bind();
  });

  afterAll(async () => {
    await ctx.server?.stop("SIGTERM");
    if (ctx.store) await dropStore(ctx.store);
    await ctx.receivers?.stop();
  });

  describe(`contract on ${kind === "pg" ? "PostgreSQL" : "embedded PGlite"}`, () => {
    authSection(ctx);
    errorsSection(ctx);
    ingestSection(ctx);
    segmentClientsSection(ctx);
    flowsSection(ctx);
    decideSection(ctx);
    deliveriesSection(ctx);
    opsSection(ctx);
    if (opts.console) consoleSection(ctx);
    runningSection(ctx, bind);

    describe("the OpenAPI document", () => {
      it("describes every status and body the suite received (ajv, JSON Schema 2020-12)", () => {
        expect(ctx.openapi.checked).toBeGreaterThan(200);
        expect(ctx.openapi.report(), `${ctx.openapi.violations.size} answers differ from the served document`).toBe("");
      });
    });
  });
}
