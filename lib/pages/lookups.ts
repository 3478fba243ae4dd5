// What a console page reads on the server before it renders, so that a flow or a user that does not
// exist answers a real 404 (Next's notFound()) instead of a 200 page that says so in the browser.
import { notFound } from "next/navigation";
import type { Db } from "@/lib/db/client";
import type { Sql } from "@/lib/db/sql";
import { ApiError } from "@/lib/http/errors";
import { getFlow } from "@/lib/flows/store";
import { findProfileId } from "@/lib/profiles/read";
import type { FlowDocument } from "@/lib/flow/schema";

/** The flow as GET /api/v1/flows/:id answers it (dates as strings); 404 when there is none; undefined
 *  on a read error (the page then asks the API from the browser and shows why). */
export async function flowForPage(db: Db, id: string): Promise<FlowDocument | undefined> {
  let doc: FlowDocument | undefined;
  try {
    doc = JSON.parse(JSON.stringify(await getFlow(db, id))) as FlowDocument;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) return undefined;
  }
  if (!doc) notFound();
  return doc;
}

/** 404 unless the flow exists (results and version pages). */
export async function requireFlow(sql: Sql, id: string): Promise<void> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM flows WHERE id = $1`, [id]);
  if (!rows.length) notFound();
}

/** 404 unless a profile answers to this user or anonymous id (the profile page). */
export async function requireProfile(sql: Sql, id: string): Promise<void> {
  if (!(await findProfileId(sql, id))) notFound();
}
