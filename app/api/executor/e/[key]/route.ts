/**
 * Event intake of the embedded executor (inngest/executor): the Inngest SDK's `inngest.send()`
 * from other processes (the CLI) POSTs here (`{INNGEST base URL}/e/{event key}`) when no Inngest
 * server is configured. Answers like the Inngest event API: `{ ids, status }`.
 */
import { acceptEventRequest } from "@/inngest/executor/intake";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

export const POST = route(async (req: Request, { params }: { params: Promise<{ key: string }> }) => {
  const { key } = await params;
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return Response.json({ status: 400, error: "body must be JSON" }, { status: 400 });
  }
  const answer = await acceptEventRequest(key, body);
  return Response.json(answer.body, { status: answer.status });
});
