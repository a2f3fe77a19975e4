/** GET /api/ready: 200 when the database is reachable and migrated, 503 otherwise. */
import { readiness } from "@/server/db/health";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const r = await readiness();
  return Response.json(r, { status: r.status === "ready" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
