/**
 * GET /api/console/passes/{serialNumber}/pkpass: the pass's current .pkpass for a signed-in
 * OPERATOR or ADMIN (server/console/passes.ts `downloadPassForStaff`).
 */
import { currentStaff } from "@/server/auth/session";
import { roleAtLeast } from "@/server/auth/roles";
import { downloadPassForStaff } from "@/server/console/passes";
import { DomainError } from "@/server/platform/errors";
import { WalletConfigError } from "@/server/wallet/errors";
import { problem } from "@/server/platform/http/problem";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ serialNumber: string }> }): Promise<Response> {
  const staff = await currentStaff();
  if (!staff) return problem({ status: 401, title: "Unauthorized", detail: "sign in to the console first" });
  if (!roleAtLeast(staff.role, "OPERATOR")) return problem({ status: 403, title: "Forbidden", detail: "downloading a pass needs the OPERATOR role" });
  const { serialNumber } = await params;
  try {
    const file = await downloadPassForStaff(decodeURIComponent(serialNumber), staff.email);
    return new Response(new Uint8Array(file.body), {
      headers: {
        "content-type": "application/vnd.apple.pkpass",
        "content-disposition": `attachment; filename="${file.fileName}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    if (err instanceof DomainError) return problem({ status: 404, title: "Not found", detail: err.message });
    if (err instanceof WalletConfigError) return problem({ status: 409, title: "Wallet setup incomplete", detail: err.message });
    throw err;
  }
}
