// The webhook guard and signature: refused ranges, the allowlist, redirects, the response cap, signing.
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { classify, MAX_RESPONSE_BYTES, resolveTarget, sendWebhook, signPayload, verifySignature } from "./webhook";

const refused = ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "[::1]", "[fd00::1]", "[fe80::1]", "[::ffff:127.0.0.1]", "224.0.0.1", "[::127.0.0.1]", "[::7f00:1]", "[::a00:1]", "[::a9fe:a9fe]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]"];

describe("webhook SSRF guard", () => {
  afterEach(() => {
    delete process.env.PATHWISE_WEBHOOK_ALLOWLIST;
  });

  it.each(refused)("refuses %s", async (host) => {
    await expect(resolveTarget(new URL(`http://${host}/x`))).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/Refused/) });
  });

  it("refuses a name that resolves to loopback", async () => {
    await expect(resolveTarget(new URL("http://localhost:1234/x"))).rejects.toMatchObject({ permanent: true });
  });

  it("accepts public addresses and refuses other schemes", async () => {
    await expect(resolveTarget(new URL("https://8.8.8.8/hook"))).resolves.toEqual({ address: "8.8.8.8", family: 4 });
    await expect(resolveTarget(new URL("ftp://8.8.8.8/x"))).rejects.toMatchObject({ permanent: true });
  });

  it("lets the allowlist name hosts, addresses and CIDRs", async () => {
    process.env.PATHWISE_WEBHOOK_ALLOWLIST = "localhost, 10.0.0.0/8, 192.168.1.7";
    await expect(resolveTarget(new URL("http://localhost/x"))).resolves.toBeTruthy();
    await expect(resolveTarget(new URL("http://10.200.3.4/x"))).resolves.toEqual({ address: "10.200.3.4", family: 4 });
    await expect(resolveTarget(new URL("http://192.168.1.7/x"))).resolves.toBeTruthy();
    await expect(resolveTarget(new URL("http://192.168.1.8/x"))).rejects.toMatchObject({ permanent: true });
  });
});

describe("webhook attempts", () => {
  let server: http.Server;
  let base = "";
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" });
        return res.end();
      }
      if (req.url === "/big") {
        res.writeHead(200);
        return res.end("x".repeat(MAX_RESPONSE_BYTES * 4));
      }
      res.end("fine");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
  });
  afterAll(async () => {
    delete process.env.PATHWISE_WEBHOOK_ALLOWLIST;
    await new Promise((r) => server.close(r));
  });

  it("does not follow redirects: a 3xx is a permanent failure", async () => {
    process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
    const res = await sendWebhook({ url: `${base}/redirect`, method: "POST", headers: {}, body: "{}" }, 2000);
    expect(res.status).toBe(302);
    expect(classify(res.status)).toBe("failed");
  });

  it("caps the response body it reads", async () => {
    process.env.PATHWISE_WEBHOOK_ALLOWLIST = "127.0.0.1";
    const res = await sendWebhook({ url: `${base}/big`, method: "POST", headers: {}, body: "{}" }, 2000);
    expect(res.body.length).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  });

  it("classifies answers", () => {
    expect([200, 204, 429, 503, 404, 400, 301].map(classify)).toEqual(["sent", "sent", "retry", "retry", "failed", "failed", "failed"]);
  });
});

describe("webhook signature", () => {
  it("signs t.body with HMAC-SHA256 as Stripe does and verifies within the tolerance", () => {
    const header = signPayload("s3cret", '{"a":1}', 1_700_000_000);
    expect(header).toBe("t=1700000000,v1=" + createHmac("sha256", "s3cret").update('1700000000.{"a":1}').digest("hex"));
    expect(verifySignature("s3cret", '{"a":1}', header, 300, 1_700_000_100_000)).toBe(true);
    expect(verifySignature("s3cret", '{"a":2}', header, 300, 1_700_000_100_000)).toBe(false);
    expect(verifySignature("s3cret", '{"a":1}', header, 300, 1_700_001_000_000)).toBe(false);
  });
});
