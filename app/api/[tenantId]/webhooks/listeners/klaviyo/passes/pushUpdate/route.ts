/** POST /api/{tenantId}/webhooks/listeners/klaviyo/passes/pushUpdate (see server/klaviyo/listener.ts). */
import { listenerPost, onlyPost } from "../../adapter";

export const dynamic = "force-dynamic";
export const POST = listenerPost("pushUpdate");
export const GET = onlyPost;
export const PUT = onlyPost;
export const PATCH = onlyPost;
export const DELETE = onlyPost;
