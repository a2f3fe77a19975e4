/** POST /api/{tenantId}/v1/passes: issue a pass (see server/klaviyo/passes-api.ts). */
import { issuePassRequestHandler } from "@/server/klaviyo/passes-api";
import { methodNotAllowed } from "@/server/platform/http/problem";
import { route } from "@/server/platform/http/route";

type Context = { params: Promise<{ tenantId: string }> };

export const dynamic = "force-dynamic";
export const POST = route(async (request: Request, { params }: Context) => issuePassRequestHandler(request, (await params).tenantId));
const onlyPost = route(() => methodNotAllowed("POST"));
export const GET = onlyPost;
export const PUT = onlyPost;
export const PATCH = onlyPost;
export const DELETE = onlyPost;
