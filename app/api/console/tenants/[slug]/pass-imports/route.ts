/**
 * POST /api/console/tenants/{slug}/pass-imports?passType=<key>&fileName=<name>: a CSV file of
 * customers (the body, text/csv, streamed) stored as a bulk enrolment and started, for a
 * signed-in OPERATOR or ADMIN (server/passes/imports.ts `startPassImport`). 201 with the import's
 * progress; a refused file is problem+json naming the field (`passType`, `file`,
 * `columns.<name>`) and stores nothing. The proxy skips this path (proxy.ts: Next.js would copy
 * the body into memory and cut it at 10 MB); `route` gives the answer its security headers.
 */
import { requireStaff } from "@/server/auth/session";
import { isSameSiteRequest } from "@/server/auth/csrf";
import { IMPORT_MAX_BYTES, startPassImport } from "@/server/passes/imports";
import { streamBody } from "@/server/platform/http/body";
import { HttpProblem } from "@/server/platform/http/problem";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ slug: string }> };

export const POST = route(async (request: Request, { params }: Params) => {
  if (!isSameSiteRequest(request)) throw new HttpProblem({ status: 403, detail: "cross-site request refused" });
  const staff = await requireStaff("OPERATOR", "uploading customers");
  const { slug } = await params;
  const url = new URL(request.url);
  const passType = url.searchParams.get("passType");
  if (!passType) throw new HttpProblem({ status: 400, detail: "name the pass type", errors: [{ field: "passType", message: "is required" }] });
  const file = streamBody(request, { accept: ["csv", "text"], allowMissingType: true, limit: IMPORT_MAX_BYTES });
  const progress = await startPassImport({ tenant: decodeURIComponent(slug), passType, fileName: url.searchParams.get("fileName") ?? undefined, file, actor: staff.email });
  return Response.json(progress, { status: 201, headers: { "cache-control": "no-store" } });
});

