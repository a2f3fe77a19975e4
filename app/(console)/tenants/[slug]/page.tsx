/** One tenant: integration status, API keys, pass types, throttling limits, certificates and APNs configuration problems. */
import { api } from "@/app/_trpc/server";
import { getStaff } from "@/app/_lib/staff";
import { orNotFound } from "@/app/_lib/not-found";
import { roleAtLeast } from "@/server/auth/roles";
import { CERTIFICATE_WARNING_DAYS } from "@/server/console/tenants";
import { Badge, Card, ErrorState, Facts, Mono, PageHeader, StatusBadge, Table, Td, TextLink, Time } from "../../_components/ui";
import { ApiKeys } from "./api-keys";
import { GoogleConnectionTest, KlaviyoConnectionTest } from "./connection-tests";
import { InstallFunnel } from "./install-funnel";
import { SettingsForm } from "./settings-form";

export const dynamic = "force-dynamic";

function YesNo({ value, yes = "set", no = "not set" }: { value: boolean; yes?: string; no?: string }) {
  return value ? <Badge tone="green">{yes}</Badge> : <Badge tone="amber">{no}</Badge>;
}

export default async function TenantPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const [t, staff] = await Promise.all([orNotFound((await api()).tenants.get({ tenant: slug })), getStaff()]);
  const canOperate = !!staff && roleAtLeast(staff.role, "OPERATOR");
  const warnings = t.certificates.filter((c) => c.state !== "ok");
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            {t.name} <StatusBadge status={t.status} />
          </span>
        }
        subtitle={
          <>
            Tenant <Mono>{t.slug}</Mono> · {t._count.passes} passes · {t._count.customers} customers ·{" "}
            <TextLink href={`/tasks?tenant=${t.slug}&status=FAILED`}>failed tasks</TextLink> · <TextLink href={`/receipts?tenant=${t.slug}`}>webhooks</TextLink> ·{" "}
            <TextLink href={`/passes?tenant=${t.slug}`}>passes</TextLink> · <TextLink href={`/tenants/${t.slug}/enrolment`}>bulk enrolment</TextLink>
          </>
        }
      />
      {warnings.length ? (
        <div className="mb-6">
          <ErrorState title="Certificate attention needed">
            {warnings.map((c) => (
              <p key={c.id}>
                {c.passTypeIdentifier}: {c.state === "expired" ? "expired" : "expires"} <Time value={c.expiresAt} />
                {c.state === "expiring" ? ` (within ${CERTIFICATE_WARNING_DAYS} days)` : ""}. Renew it in the Apple Developer portal and import the new one.
              </p>
            ))}
          </ErrorState>
        </div>
      ) : null}
      {t.pushProblems.length ? (
        <div className="mb-6" data-testid="push-problems">
          <ErrorState title="APNs rejected pushes in the last 24 hours">
            {t.pushProblems.map((p) => (
              <p key={p.reason}>
                <Mono>{p.reason}</Mono> × {p.count}, last <Time value={p.lastAt} />: {p.hint}.
              </p>
            ))}
          </ErrorState>
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Klaviyo integration">
          <Facts
            rows={[
              ["Listeners", <YesNo key="k" value={t.integration.klaviyoEnabled} yes="enabled" no="disabled (403)" />],
              ["Webhook secret", <span key="w" className="flex gap-2"><YesNo value={t.integration.webhookSecretSet} />{t.integration.previousWebhookSecretSet ? <Badge tone="blue">rotating: previous kept</Badge> : null}</span>],
              ["Merchant sync-back URL", t.integration.merchantSyncUrl ? <Mono key="m">{t.integration.merchantSyncUrl}</Mono> : <Badge key="m" tone="slate">none</Badge>],
              ["Merchant sync secret", <YesNo key="ms" value={t.integration.merchantSyncSecretSet} />],
              [
                "Klaviyo private API key",
                <span key="kk" className="flex flex-wrap items-center gap-2" data-testid="klaviyo-api-key">
                  {t.integration.klaviyoApiKeyEnding ? <Badge tone="green">set, ending …{t.integration.klaviyoApiKeyEnding}</Badge> : <Badge tone="slate">not set: nothing is sent to Klaviyo</Badge>}
                  {canOperate && t.integration.klaviyoApiKeyEnding ? <KlaviyoConnectionTest tenant={t.slug} /> : null}
                </span>,
              ],
              ["Phone region", t.defaultPhoneRegion],
              ["Custom identifiers", t.customIdentifierKeys.length ? t.customIdentifierKeys.join(", ") : "–"],
              ["Not provided", <Mono key="np">{["", ...t.notProvidedValues].map((v) => JSON.stringify(v)).join(", ")}</Mono>],
              ["APNs token key", t.apnsKeyId ? <span key="a">{t.apnsKeyId} (team {t.apnsTeamId})</span> : <Badge key="a" tone="slate">certificate-based</Badge>],
            ]}
          />
        </Card>
        <Card title="Google Wallet">
          <div data-testid="google-wallet">
            <Facts
              rows={[
                ["Issuer", t.google.issuerId ? <Mono key="i">{t.google.issuerId}</Mono> : <Badge key="i" tone="slate">none</Badge>],
                ["Service account", t.google.serviceAccountEmail ? <Mono key="s">{t.google.serviceAccountEmail}</Mono> : <Badge key="s" tone="slate">not set</Badge>],
                ["Status", <span key="c" className="inline-flex items-center gap-2"><YesNo value={t.google.configured} yes="on" no="off" />{canOperate && t.google.configured ? <GoogleConnectionTest tenant={t.slug} /> : null}</span>],
                ...t.google.classes.map((c): [string, React.ReactNode] => [
                  `Class (${c.passType})`,
                  <span key={c.classId} className="flex flex-wrap gap-2">
                    <Mono>{c.classId}</Mono>
                    {c.reviewStatus ? <Badge tone={c.reviewStatus === "APPROVED" ? "green" : c.reviewStatus === "REJECTED" ? "red" : "blue"}>{c.reviewStatus}</Badge> : null}
                    {c.lastError ? <Badge tone="red">error</Badge> : null}
                  </span>,
                ]),
              ]}
            />
            {t.google.warnings.length ? (
              <ul className="mt-3 space-y-1 text-xs text-amber-700">
                {t.google.warnings.map((w) => (
                  <li key={w}>⚠ {w}</li>
                ))}
              </ul>
            ) : null}
            <p className="mt-3 text-xs text-slate-500">
              Set below (Settings) or with <Mono>tenant update {t.slug} --google-issuer-id &lt;id&gt; --google-service-account-stdin</Mono>; the key is stored encrypted and never shown again.
            </p>
          </div>
        </Card>
        <Card title="Throttling limits">
          <Facts
            rows={[
              ["Per tenant", `${t.tenantRequestsPerMinute.toLocaleString("en-US")} requests / minute`],
              ["Per API key", `${t.apiKeyRequestsPerMinute.toLocaleString("en-US")} requests / minute`],
            ]}
          />
          <p className="mt-3 text-xs text-slate-500">Above a limit the listeners answer 429 with Retry-After; Klaviyo retries.</p>
        </Card>
        <Card title="Notifications">
          <Facts
            rows={[
              ["Alerting updates per pass per 24 h", String(t.notificationsPerDay)],
              ["Minimum spacing between alerts", t.notificationSpacingMinutes ? `${t.notificationSpacingMinutes} min` : "none"],
              ["Publication push rate", `${t.publishPushesPerSecond.toLocaleString("en-US")} / s`],
              ["Pass links valid for", `${t.passLinkTtlDays} days`],
            ]}
          />
          <p className="mt-3 text-xs text-slate-500">
            Updates beyond the budget are applied and fetched silently (no lock-screen message); the pass timeline marks them muted and says why.
          </p>
        </Card>
        <Card title="Data retention">
          <Facts
            rows={[
              ["Webhook bodies and headers", `${t.rawBodyRetentionDays} days`],
              ["Receipts, tasks, pass changes, pushes", `${t.retentionDays} days`],
            ]}
          />
          <p className="mt-3 text-xs text-slate-500">
            After the first period a receipt keeps its metadata without body and headers; after the second the rows are deleted (hourly). A task still running, or whose replay is, is kept.
          </p>
        </Card>
        {canOperate ? (
          <Card title="Change integration settings" className="lg:col-span-2">
            <SettingsForm tenant={{ ...t, googleIssuerId: t.google.issuerId }} canChangeStatus={!!staff && roleAtLeast(staff.role, "ADMIN")} />
          </Card>
        ) : null}
        <Card title="API keys" className="lg:col-span-2">
          <ApiKeys tenant={t.slug} keys={t.apiKeys} canManage={canOperate} />
        </Card>
        <Card title="Pass types" className="lg:col-span-2" actions={<TextLink href={`/tenants/${t.slug}/pass-types`}>{canOperate ? "Design pass types →" : "Pass types and revisions →"}</TextLink>}>
          <Table head={["Key", "Name", "Style", "passTypeIdentifier", "Team", "Fields", "Passes"]}>
            {t.passTypes.map((p) => (
              <tr key={p.id}>
                <Td>
                  <TextLink href={`/tenants/${t.slug}/pass-types/${p.key}`}>
                    <Mono>{p.key}</Mono>
                  </TextLink>
                </Td>
                <Td>{p.name}</Td>
                <Td>{p.style}</Td>
                <Td>
                  <Mono>{p.passTypeIdentifier}</Mono>
                </Td>
                <Td>
                  <Mono>{p.teamIdentifier}</Mono>
                </Td>
                <Td className="text-xs">{(p.fields as { key: string; slot: string }[]).map((f) => f.key).join(", ")}</Td>
                <Td className="tabular-nums">{p._count.passes}</Td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title="Install funnel" className="lg:col-span-2" actions={<TextLink href={`/tenants/${t.slug}/enrolment`}>{canOperate ? "Enrol customers from a CSV file →" : "Bulk enrolment →"}</TextLink>}>
          <InstallFunnel tenant={t.slug} passTypes={t.passTypes.map((p) => ({ key: p.key, name: p.name }))} />
        </Card>
        <Card title="Publications (latest per pass type)" className="lg:col-span-2">
          <Table
            head={["Pass type", "Revision", "Status", "Passes done", "Pushes sent", "Failed", "Muted notices", "Estimate", "Started"]}
            empty={<p className="text-sm text-slate-500">No revision published to the passes yet (passtype publish).</p>}
          >
            {t.publications.map((p) => (
              <tr key={p.id} data-testid="publication-row">
                <Td>
                  <Mono>{p.key}</Mono>
                </Td>
                <Td className="tabular-nums">
                  {p.previousRevision} → {p.revision}
                </Td>
                <Td>
                  <StatusBadge status={p.status} />
                </Td>
                <Td className="tabular-nums">
                  {p.done.toLocaleString("en-US")} / {p.total.toLocaleString("en-US")} ({p.percent} %)
                </Td>
                <Td className="tabular-nums">{p.pushesSent.toLocaleString("en-US")}</Td>
                <Td className="tabular-nums">{p.pushesFailed.toLocaleString("en-US")}</Td>
                <Td className="tabular-nums">{p.muted.toLocaleString("en-US")}</Td>
                <Td className="tabular-nums">{p.status === "RUNNING" ? (p.etaSeconds === null ? "…" : `~${p.etaSeconds} s`) : p.finishedAt ? `took ${p.elapsedSeconds} s` : "–"}</Td>
                <Td>
                  <Time value={p.startedAt} />
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title="Certificates" className="lg:col-span-2">
          <Table head={["passTypeIdentifier", "Team", "Kind", "Expires", "State"]} empty={<p className="text-sm text-slate-500">No Pass Type ID certificate imported yet.</p>}>
            {t.certificates.map((c) => (
              <tr key={c.id} data-testid="certificate-row">
                <Td>
                  <Mono>{c.passTypeIdentifier}</Mono>
                </Td>
                <Td>
                  <Mono>{c.teamIdentifier}</Mono>
                </Td>
                <Td>{c.development ? <Badge tone="amber">development (self-signed)</Badge> : <Badge tone="green">Apple</Badge>}</Td>
                <Td>
                  <Time value={c.expiresAt} />
                </Td>
                <Td>
                  <StatusBadge status={c.state} />
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
      </div>
    </>
  );
}
