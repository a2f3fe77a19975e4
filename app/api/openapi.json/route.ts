/** GET /api/openapi.json: the OpenAPI 3.1 document of the Klaviyo listeners. */
import { openApiDocument } from "@/server/klaviyo/openapi";
import { env } from "@/server/platform/env";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

export const GET = route((request: Request) => Response.json(openApiDocument(env.PUBLIC_URL ?? new URL(request.url).origin)));
