/** GET /api/ready: 200 when the database is reachable and migrated, 503 otherwise. */
import { readiness } from "@/server/db/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const r = await readiness();
  return Response.json(r, { status: r.status === "ready" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
