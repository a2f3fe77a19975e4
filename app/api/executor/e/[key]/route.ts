/**
 * Event intake of the embedded executor (inngest/executor): the Inngest SDK's `inngest.send()`
 * and `step.sendEvent()` POST here (`{INNGEST base URL}/e/{event key}`) when no Inngest server is
 * configured. Answers like the Inngest event API: `{ ids, status }`.
 */
import { runningExecutor } from "@/inngest/executor";
import { safeEqual } from "@/server/crypto";

export const dynamic = "force-dynamic";

export async function POST(req: Request, { params }: { params: Promise<{ key: string }> }) {
  const executor = runningExecutor();
  if (!executor) return Response.json({ status: 503, error: "no embedded executor runs in this process" }, { status: 503 });
  const { key } = await params;
  if (!safeEqual(key, executor.eventKey)) return Response.json({ status: 401, error: "Event key not found" }, { status: 401 });
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return Response.json({ status: 400, error: "body must be JSON" }, { status: 400 });
  }
  try {
    const ids = await executor.acceptEvents(Array.isArray(body) ? body : [body]);
    return Response.json({ ids, status: 200 });
  } catch (err) {
    const message = (err as Error).message;
    const invalid = message === "an event needs a name";
    return Response.json({ status: invalid ? 400 : 503, error: message }, { status: invalid ? 400 : 503 });
  }
}
