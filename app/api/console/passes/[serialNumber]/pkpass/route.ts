/**
 * GET /api/console/passes/{serialNumber}/pkpass: the pass's current .pkpass for a signed-in
 * OPERATOR or ADMIN (server/console/passes.ts `downloadPassForStaff`).
 */
import { requireStaff } from "@/server/auth/session";
import { downloadPassForStaff } from "@/server/console/passes";
import { route } from "@/server/platform/http/route";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ serialNumber: string }> };

export const GET = route(async (_request: Request, { params }: Params) => {
  const staff = await requireStaff("OPERATOR", "downloading a pass");
  const { serialNumber } = await params;
  const file = await downloadPassForStaff(decodeURIComponent(serialNumber), staff.email);
  return new Response(new Uint8Array(file.body), {
    headers: {
      "content-type": "application/vnd.apple.pkpass",
      "content-disposition": `attachment; filename="${file.fileName}"`,
      "cache-control": "no-store",
    },
  });
});
