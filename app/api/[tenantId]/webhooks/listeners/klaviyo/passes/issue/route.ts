/** POST /api/{tenantId}/webhooks/listeners/klaviyo/passes/issue (see server/klaviyo/listener.ts). */
import { listenerPost, onlyPost } from "../../adapter";

export const dynamic = "force-dynamic";
export const POST = listenerPost("passIssue");
export const GET = onlyPost;
export const PUT = onlyPost;
export const PATCH = onlyPost;
export const DELETE = onlyPost;
