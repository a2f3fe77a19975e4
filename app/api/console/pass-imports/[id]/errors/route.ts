/**
 * GET /api/console/pass-imports/{id}/errors: the refused rows of a bulk enrolment as CSV
 * (`row,column,reason`, streamed), for any signed-in staff member.
 */
import { requireStaff } from "@/server/auth/session";
import { getPassImport, importErrorsCsv } from "@/server/passes/imports";
import { HttpProblem } from "@/server/platform/http/problem";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = route(async (_request: Request, { params }: Params) => {
  await requireStaff("VIEWER", "downloading import errors");
  const { id } = await params;
  const found = await getPassImport(decodeURIComponent(id));
  if (!found) throw new HttpProblem({ status: 404, detail: `no import ${JSON.stringify(id)}` });
  const csv = importErrorsCsv(found.id);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await csv.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await csv.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="import-${found.id}-errors.csv"`,
      "cache-control": "no-store",
    },
  });
});
