import { describe, expect, it } from "vitest";
import { dryRunRequested } from "./dry-run";
import { passIssueBody, toIssueInput, issuePassRequest, toPassIssueInput } from "./schemas";
import { HttpProblem } from "@/server/platform/http/problem";

describe("dryRunRequested", () => {
  it("reads 1/true as a dry run, 0/false/absent as a real delivery, and refuses anything else naming dryRun", () => {
    const at = (q: string) => dryRunRequested(`http://x/api/t/webhooks/listeners/klaviyo/passes/pushUpdate${q}`);
    expect([at("?dryRun=1"), at("?dryRun=TRUE"), at("?dryRun=0"), at("?dryRun=false"), at("")]).toEqual([true, true, false, false, false]);
    try {
      at("?dryRun=yes");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HttpProblem);
      expect((err as HttpProblem).init).toMatchObject({ status: 400, errors: [{ field: "dryRun" }] });
    }
  });
});

describe("passes/issue body", () => {
  it("requires the pass type and drops identifiers Klaviyo rendered empty or as a not-provided value", () => {
    expect(passIssueBody.safeParse({ identifiers: { email: "a@b.co" } }).error?.issues.map((i) => i.path.join("."))).toEqual(["passType"]);
    const body = passIssueBody.parse({ identifiers: { email: " a@b.co ", phone: "", customerId: "-" }, passType: " basic ", additionalData: { points: "5" } });
    expect(toPassIssueInput(body, ["-"])).toEqual({ identifiers: { email: "a@b.co" }, passType: "basic", additionalData: { points: "5" } });
  });
});

describe("POST v1/passes body", () => {
  it("keeps identifiers as text (numbers as their digits, null absent) and data as sent", () => {
    const body = issuePassRequest.parse({ passType: "basic", identifiers: { email: "a@b.co", customerId: 42, phone: null }, data: { points: "1,250" } });
    expect(toIssueInput(body)).toEqual({ identifiers: { email: "a@b.co", customerId: "42" }, passType: "basic", additionalData: { points: "1,250" } });
    expect(issuePassRequest.safeParse({ passType: "basic", identifiers: { email: { x: 1 } } }).error?.issues[0]?.path).toEqual(["identifiers", "email"]);
  });
});
