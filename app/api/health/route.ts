/** GET /api/health: the process is up (no dependencies checked). */
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

export const GET = route(() => Response.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }));
