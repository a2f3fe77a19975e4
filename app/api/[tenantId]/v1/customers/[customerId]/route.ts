/** DELETE /api/{tenantId}/v1/customers/{customerId}: erase a customer (see server/klaviyo/customers-api.ts). */
import { deleteCustomerRequest } from "@/server/klaviyo/customers-api";
import { methodNotAllowed } from "@/server/platform/http/problem";
import { route } from "@/server/platform/http/route";

type Context = { params: Promise<{ tenantId: string; customerId: string }> };

export const dynamic = "force-dynamic";
export const DELETE = route(async (request: Request, { params }: Context) => {
  const { tenantId, customerId } = await params;
  return deleteCustomerRequest(request, tenantId, customerId);
});
const onlyDelete = route(() => methodNotAllowed("DELETE"));
export const GET = onlyDelete;
export const POST = onlyDelete;
export const PUT = onlyDelete;
export const PATCH = onlyDelete;
