// Checks every answer the suite receives against the OpenAPI document the server itself serves: the
// status must be listed for that operation and the body must validate against its schema (ajv, JSON
// Schema 2020-12, the dialect OpenAPI 3.1 uses). Drift between the API and its document fails CI.
/* eslint-disable @typescript-eslint/no-explicit-any -- the document is arbitrary JSON read from the server */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Template = { path: string; re: RegExp; params: number; item: Record<string, Operation> };

/**
 * Answers any path may give that no single operation can list (the document's description names
 * them): no endpoint at the path (404 not_found), a method the path does not have (405
 * method_not_allowed), a path that is not valid percent-encoded UTF-8 (400 invalid_path), each with the
 * Error body; and a trailing slash, redirected (308) to the path without it.
 */
const GENERIC_CODES: Record<number, string> = { 404: "not_found", 405: "method_not_allowed", 400: "invalid_path" };

export class OpenApiCheck {
  private ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  private templates: Template[] = [];
  private validators = new Map<string, ValidateFunction>();
  private errorValidator: ValidateFunction;
  /** One line per distinct problem (operation, status, what is wrong). */
  readonly violations = new Map<string, string>();
  /** Operation + status pairs seen and found as documented. */
  readonly covered = new Set<string>();
  checked = 0;

  constructor(readonly doc: any) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: "pathwise-openapi", components: doc.components ?? {} });
    for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
      const params = (path.match(/\{[^}]+\}/g) ?? []).length;
      const re = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`);
      this.templates.push({ path, re, params, item });
    }
    // The most literal template first: /flows/{id}/versions before /flows/{id}/{anything}.
    this.templates.sort((a, b) => a.params - b.params || b.path.length - a.path.length);
    this.errorValidator = this.compile({ $ref: "#/components/schemas/Error" });
  }

  private compile(schema: unknown): ValidateFunction {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"pathwise-openapi#/components/');
    let v = this.validators.get(text);
    if (!v) {
      v = this.ajv.compile(JSON.parse(text));
      this.validators.set(text, v);
    }
    return v;
  }

  private flag(key: string, message: string) {
    if (!this.violations.has(key)) this.violations.set(key, message);
  }

  /** Checks one answer; problems are recorded (and reported together by the suite's last test). */
  check(method: string, url: string, status: number, contentType: string, text: string) {
    const u = new URL(url);
    if (!u.pathname.startsWith("/api/")) return; // console pages are not the API
    this.checked++;
    const m = method.toLowerCase();
    let pathname = u.pathname;
    try {
      pathname = decodeURIComponent(u.pathname);
    } catch {
      // not decodable: matched as sent, and only the generic answers fit
    }
    const t = this.templates.find((x) => x.re.test(u.pathname) || x.re.test(pathname));
    const json = /application\/json/.test(contentType);
    const body = () => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    };
    const where = `${method.toUpperCase()} ${t?.path ?? u.pathname} → ${status}`;
    /** One of the answers any path may give; false when it is not. */
    const generic = () => {
      if (status === 308 && u.pathname.length > 1 && u.pathname.endsWith("/")) return true;
      const code = GENERIC_CODES[status];
      if (!code) return false;
      const value = json ? body() : undefined;
      if (!this.errorValidator(value)) {
        this.flag(`${where} body`, `${where}: expected the Error body, got ${contentType || "no content type"} ${text.slice(0, 200)}`);
        return true;
      }
      return (value as { error: { code: string } }).error.code === code;
    };
    if (!t) {
      if (!generic()) this.flag(where, `${where}: the path is not in the document, and this is not one of the answers any path may give`);
      return;
    }
    const op = t.item[m];
    if (!op) {
      if (!generic()) this.flag(where, `${where}: the document has no ${method.toUpperCase()} for this path, and this is not one of the answers any path may give`);
      return;
    }
    const response = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
    if (!response) {
      if (!generic()) this.flag(where, `${where}: status not described (the document lists ${Object.keys(op.responses).join(", ")})`);
      return;
    }
    this.covered.add(where);
    if (status === 204 || status === 304 || (status >= 300 && status < 400) || m === "head") return;
    const content = response.content ?? {};
    if (!text) {
      if (Object.keys(content).length) this.flag(`${where} empty`, `${where}: the document describes a body, the answer has none`);
      return;
    }
    const mediaType = Object.keys(content).find((k) => contentType.toLowerCase().startsWith(k.toLowerCase()));
    if (!mediaType) return this.flag(`${where} type`, `${where}: answered ${contentType || "no content type"} with a body, the document describes ${Object.keys(content).join(", ") || "no body"}`);
    const schema = content[mediaType]?.schema;
    if (!json || !schema) return;
    const validate = this.compile(schema);
    const value = body();
    if (!validate(value)) {
      const e = validate.errors?.[0];
      this.flag(`${where} schema ${e?.instancePath} ${e?.message}`, `${where}: body does not match the document at ${e?.instancePath || "(root)"}: ${e?.message} ${JSON.stringify(e?.params)} — ${text.slice(0, 300)}`);
    }
  }

  report(): string {
    return [...this.violations.values()].sort().join("\n");
  }
}

/** Loads the served document once per server. */
export async function loadOpenApiCheck(baseUrl: string): Promise<OpenApiCheck> {
  const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  return new OpenApiCheck(await res.json());
}
