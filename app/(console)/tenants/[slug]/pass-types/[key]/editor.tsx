"use client";
/**
 * The pass type editor: a form for every part of a definition (server/pass-types/definition.ts)
 * beside a live preview drawn from it in the browser (definitionPreview, the function the pass
 * page uses too), front and back, in each language. Every change is checked by the server
 * (`passTypes.validate`, the rules saving applies) and each error shows beside its input by
 * path; saving makes the next revision (a new key creates the type), and any revision can be
 * previewed and published. Viewers get it read-only.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/app/_trpc/react";
import { formatTime } from "@/app/_lib/format";
import type { EditorVocabulary } from "@/server/console/pass-types";
import type { DateSource, FieldDefinition, PassTypeDefinition } from "@/server/pass-types/definition";
import type { ImageRole } from "@/server/pass-types/images";
import { definitionPreview } from "@/server/pass-types/preview";
import { PassPreview } from "@/app/_components/pass-preview";
import { Badge } from "../../../../_components/ui";
import { buttonClass, hexToRgb, Issues, IssuesContext, primaryButtonClass, readBase64, rgbToHex, Section, Select, TextInput, type PathIssue } from "./form-parts";

type Definition = PassTypeDefinition;
type Field = FieldDefinition;

interface Props {
  tenant: string;
  passTypeKey: string;
  initialName: string;
  initialDefinition: Definition;
  initialRevision: number | null;
  isNew: boolean;
  canEdit: boolean;
  customIdentifierKeys: string[];
  vocabulary: EditorVocabulary;
}

/** Removes the keys whose value is undefined or "" (optional parts left blank). */
function prune<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;
}

/** The field with options that do not fit its type or slot dropped (the schema would refuse them). */
function fitField(f: Field): Field {
  const out: Field = { ...f };
  if (out.type !== "currency") delete out.currencyCode;
  if (out.type !== "number") delete out.numberStyle;
  if (out.type !== "date") for (const k of ["dateStyle", "timeStyle", "ignoresTimeZone", "isRelative"] as const) delete out[k];
  if (out.slot !== "backFields") delete out.dataDetectorTypes;
  return prune(out);
}

/** The texts Wallet looks up in a language's pass.strings: organization, description, logo text, labels, change messages, static texts. */
function translatableTexts(d: Definition): string[] {
  const texts = [d.organizationName, d.description, d.logoText, ...d.fields.flatMap((f) => [f.label, f.changeMessage, f.type === "text" && typeof f.default === "string" ? f.default : undefined]), d.barcode?.altText];
  return [...new Set(texts.filter((t): t is string => !!t && !/[{}]/.test(t)))];
}

export function PassTypeEditor(props: Props) {
  const { tenant, passTypeKey: key, vocabulary: v, canEdit } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [definition, setDefinition] = useState<Definition>(props.initialDefinition);
  const [name, setName] = useState(props.initialName);
  const [message, setMessage] = useState("");
  const [isNew, setIsNew] = useState(props.isNew);
  const [editingRevision, setEditingRevision] = useState<number | null>(props.initialRevision);
  const [side, setSide] = useState<"front" | "back">("front");
  const [language, setLanguage] = useState<string>("");
  const [langTab, setLangTab] = useState<string>(Object.keys(props.initialDefinition.localizations ?? {})[0] ?? "");
  const [check, setCheck] = useState<{ errors: PathIssue[]; warnings: PathIssue[] }>({ errors: [], warnings: [] });
  const [notice, setNotice] = useState<string | null>(null);

  const shown = useQuery({ ...trpc.passTypes.get.queryOptions({ tenant, key }), enabled: !isNew });
  const validate = useMutation(trpc.passTypes.validate.mutationOptions());
  const seq = useRef(0);
  useEffect(() => {
    const n = ++seq.current;
    const timer = setTimeout(() => {
      validate.mutate({ tenant, definition }, { onSuccess: (r) => n === seq.current && setCheck({ errors: r.errors, warnings: r.warnings }) });
    }, 350);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-check on each change of the definition only
  }, [definition, tenant]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.passTypes.get.queryKey({ tenant, key }) });
  const save = useMutation(
    trpc.passTypes.save.mutationOptions({
      onSuccess: (r) => {
        setIsNew(false);
        setEditingRevision(r.revision);
        setMessage("");
        setNotice(r.passTypeCreated ? `Created ${key}: revision 1, published.` : r.created ? `Saved revision ${r.revision} (not published yet).` : `Nothing changed since revision ${r.revision}.`);
        void refresh();
        if (r.passTypeCreated) router.refresh(); // the page's heading and links; the form keeps its state
      },
      onError: (err) => {
        const errors = err.data?.errors;
        if (errors?.length) setCheck({ errors, warnings: [] });
      },
    }),
  );
  const publish = useMutation(
    trpc.passTypes.publish.mutationOptions({
      onSuccess: (r) => {
        setNotice(r.changed ? `Published revision ${r.revision}: ${r.passes} live pass${r.passes === 1 ? "" : "es"} updated.` : `Revision ${r.revision} was already published.`);
        void refresh();
      },
    }),
  );

  async function previewRevision(revision: number) {
    const r = await queryClient.fetchQuery(trpc.passTypes.get.queryOptions({ tenant, key, revision }));
    setDefinition(r.definition);
    setEditingRevision(revision);
    setNotice(`Showing revision ${revision}: saving makes it the next revision.`);
  }

  const set = (patch: Partial<Definition>) => setDefinition((d) => prune({ ...d, ...patch }) as Definition);
  const setField = (i: number, patch: Partial<Field>) => setDefinition((d) => ({ ...d, fields: d.fields.map((f, j) => (j === i ? fitField({ ...f, ...patch } as Field) : f)) }));
  const languages = Object.keys(definition.localizations ?? {});
  const preview = useMemo(() => definitionPreview(definition, { language: language || undefined }), [definition, language]);
  const sizes = v.imageSizes[definition.style];
  const dateFields = definition.fields.filter((f) => f.type === "date").map((f) => f.key);
  const revisions = shown.data?.revisions ?? [];
  const published = shown.data?.publishedRevision ?? null;

  async function upload(name: string, file: File | undefined) {
    if (!file) return;
    const b64 = await readBase64(file);
    setDefinition((d) => ({ ...d, images: { ...d.images, [name]: b64 } }));
  }

  function setDate(which: "relevantDate" | "expirationDate", mode: string, value?: string) {
    const source: DateSource | undefined = mode === "value" ? { value: value ?? "" } : mode === "field" ? { field: value ?? dateFields[0] ?? "" } : undefined;
    set({ [which]: source } as Partial<Definition>);
  }

  function setTranslation(lang: string, text: string, translation: string) {
    setDefinition((d) => {
      const loc = d.localizations?.[lang] ?? {};
      const strings = prune({ ...(loc.strings ?? {}), [text]: translation });
      return { ...d, localizations: { ...d.localizations, [lang]: { ...loc, strings } } };
    });
  }

  const errors = check.errors;
  return (
    <IssuesContext.Provider value={check}>
      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_360px]">
        <div className="min-w-0 space-y-6">
          {errors.length ? (
            <div className="rounded-lg border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800" data-testid="definition-errors">
              <p className="font-medium">
                {errors.length} problem{errors.length === 1 ? "" : "s"} to fix before saving
              </p>
              <ul className="mt-1 list-disc pl-5 text-xs">
                {errors.map((e, i) => (
                  <li key={i}>
                    <span className="font-mono">{e.field}</span>: {e.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <fieldset disabled={!canEdit} className="min-w-0 space-y-6" data-testid="pass-type-form">
            <Section title="Style and texts">
              <div className="grid gap-3 sm:grid-cols-2">
                <TextInput label="Name (console)" path="name" value={name} onChange={setName} />
                <Select label="Style" path="style" value={definition.style} options={v.styles} onChange={(s) => set({ style: s ?? "storeCard", transitType: s === "boardingPass" ? (definition.transitType ?? "air") : undefined })} />
                {definition.style === "boardingPass" ? <Select label="Transit type" path="transitType" value={definition.transitType} options={v.transitTypes} onChange={(t) => set({ transitType: t })} /> : null}
                <TextInput label="Organization name" path="organizationName" value={definition.organizationName} onChange={(x) => set({ organizationName: x })} />
                <TextInput label="Description" path="description" value={definition.description} onChange={(x) => set({ description: x })} />
                <TextInput label="Logo text" path="logoText" value={definition.logoText} onChange={(x) => set({ logoText: x })} />
                <label className="flex items-center gap-2 self-end text-sm">
                  <input type="checkbox" checked={!!definition.voided} onChange={(e) => set({ voided: e.target.checked || undefined })} /> Voided (every pass of the type)
                </label>
              </div>
            </Section>

            <Section title="Colors">
              <div className="grid gap-3 sm:grid-cols-3">
                {(["backgroundColor", "foregroundColor", "labelColor"] as const).map((c) => (
                  <div key={c} className="flex flex-col gap-1 text-xs font-medium text-slate-600">
                    <label className="flex flex-col gap-1">
                      {c === "backgroundColor" ? "Background" : c === "foregroundColor" ? "Foreground (values)" : "Labels"}
                      <span className="flex items-center gap-2">
                        <input type="color" value={rgbToHex(definition[c])} onChange={(e) => set({ [c]: hexToRgb(e.target.value) })} className="h-8 w-12 rounded border border-slate-300" />
                        <span className="font-mono text-xs text-slate-500">{definition[c]}</span>
                      </span>
                    </label>
                    <Issues path={c} />
                  </div>
                ))}
              </div>
            </Section>

            <Section title="Images" testId="images-section">
              <p className="text-xs text-slate-500">PNG files; @2x and @3x have twice and three times the pixels. Sizes are checked as you upload.</p>
              <div className="space-y-3">
                {(Object.entries(sizes) as [ImageRole, { width: number; height: number; rule: string }][]).map(([role, rule]) => (
                  <div key={role} className="rounded-md border border-slate-100 p-2">
                    <div className="mb-2 text-xs font-semibold text-slate-700">
                      {role}{" "}
                      <span className="font-normal text-slate-500">
                        {rule.rule === "exact" ? "exactly" : rule.rule === "max" ? "at most" : "recommended"} {rule.width}×{rule.height} pt{role === "icon" ? " (required)" : ""}
                      </span>
                    </div>
                    <div className="grid gap-2 sm:grid-cols-3">
                      {([1, 2, 3] as const).map((scale) => {
                        const file = `${role}${scale === 1 ? "" : `@${scale}x`}.png`;
                        const b64 = definition.images[file];
                        return (
                          <div key={file} className="min-w-0 space-y-1 text-xs" data-testid={`image-${file}`}>
                            <label className="flex flex-col gap-1 font-medium text-slate-600">
                              {file} ({rule.width * scale}×{rule.height * scale} px)
                              <input type="file" accept="image/png" aria-label={file} className="text-xs" onChange={(e) => void upload(file, e.target.files?.[0])} />
                            </label>
                            {b64 ? (
                              <div className="flex items-center gap-2">
                                {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL of the upload */}
                                <img src={`data:image/png;base64,${b64}`} alt={file} className="h-8 max-w-[96px] rounded bg-slate-100 object-contain" />
                                <button type="button" className={buttonClass} onClick={() => setDefinition((d) => ({ ...d, images: Object.fromEntries(Object.entries(d.images).filter(([n]) => n !== file)) }))}>
                                  Remove
                                </button>
                              </div>
                            ) : null}
                            <Issues path={`images.${file}`} />
                          </div>
                        );
                      })}
                    </div>
                  </div>
                ))}
                {Object.keys(definition.images)
                  .filter((n) => !Object.keys(sizes).some((role) => n.startsWith(`${role}.`) || n.startsWith(`${role}@`)))
                  .map((n) => (
                    <div key={n} className="flex items-center gap-2 text-xs">
                      <span className="font-mono">{n}</span>
                      <button type="button" className={buttonClass} onClick={() => setDefinition((d) => ({ ...d, images: Object.fromEntries(Object.entries(d.images).filter(([x]) => x !== n)) }))}>
                        Remove
                      </button>
                      <Issues path={`images.${n}`} />
                    </div>
                  ))}
              </div>
            </Section>

            <Section
              title={`Fields (${definition.fields.length})`}
              testId="fields-section"
              actions={
                <button type="button" className={buttonClass} onClick={() => setDefinition((d) => ({ ...d, fields: [...d.fields, { key: `field${d.fields.length + 1}`, label: "", type: "text", slot: "secondaryFields" }] }))}>
                  Add field
                </button>
              }
            >
              {definition.fields.length === 0 ? <p className="text-sm text-slate-500">No fields yet: add one, then choose its slot.</p> : null}
              {definition.fields.map((f, i) => {
                const at = `fields[${i}]`;
                return (
                  <div key={i} className="space-y-2 rounded-md border border-slate-200 p-3" data-testid={`field-row-${i}`}>
                    <div className="grid gap-2 sm:grid-cols-4">
                      <TextInput label="Key" path={`${at}.key`} value={f.key} onChange={(x) => setField(i, { key: x })} />
                      <TextInput label="Label" path={`${at}.label`} value={f.label} onChange={(x) => setField(i, { label: x })} />
                      <Select label="Type" path={`${at}.type`} value={f.type} options={v.fieldTypes} onChange={(x) => setField(i, { type: x ?? "text" })} />
                      <Select label="Slot" path={`${at}.slot`} value={f.slot} options={v.slots} onChange={(x) => setField(i, { slot: x ?? "secondaryFields" })} />
                      <TextInput label="Default" path={`${at}.default`} value={f.default} onChange={(x) => setField(i, { default: x === "" ? undefined : x })} placeholder="shown until the pass has a value" />
                      <TextInput label="Change message" path={`${at}.changeMessage`} value={f.changeMessage} onChange={(x) => setField(i, { changeMessage: x })} placeholder="You now have %@ points" />
                      <Select label="Alignment" path={`${at}.textAlignment`} value={f.textAlignment} options={v.textAlignments} onChange={(x) => setField(i, { textAlignment: x })} empty="default" />
                      {f.type === "currency" ? <TextInput label="Currency code" path={`${at}.currencyCode`} value={f.currencyCode} onChange={(x) => setField(i, { currencyCode: x.toUpperCase() })} placeholder="USD" /> : null}
                      {f.type === "number" ? <Select label="Number style" path={`${at}.numberStyle`} value={f.numberStyle} options={v.numberStyles} onChange={(x) => setField(i, { numberStyle: x })} empty="default" /> : null}
                      {f.type === "date" ? (
                        <>
                          <Select label="Date style" path={`${at}.dateStyle`} value={f.dateStyle} options={v.dateStyles} onChange={(x) => setField(i, { dateStyle: x })} empty="default" />
                          <Select label="Time style" path={`${at}.timeStyle`} value={f.timeStyle} options={v.dateStyles} onChange={(x) => setField(i, { timeStyle: x })} empty="default" />
                          <div className="flex flex-col justify-end gap-1 text-xs text-slate-600">
                            <label className="flex items-center gap-1.5">
                              <input type="checkbox" checked={!!f.ignoresTimeZone} onChange={(e) => setField(i, { ignoresTimeZone: e.target.checked || undefined })} /> ignores time zone
                            </label>
                            <label className="flex items-center gap-1.5">
                              <input type="checkbox" checked={!!f.isRelative} onChange={(e) => setField(i, { isRelative: e.target.checked || undefined })} /> relative (“in 2 days”)
                            </label>
                          </div>
                        </>
                      ) : null}
                    </div>
                    {f.slot === "backFields" ? (
                      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600" role="group" aria-label="Data detectors">
                        <span className="font-medium">Data detectors:</span>
                        {v.dataDetectorTypes.map((t) => (
                          <label key={t} className="flex items-center gap-1">
                            <input
                              type="checkbox"
                              checked={!!f.dataDetectorTypes?.includes(t)}
                              onChange={(e) => {
                                const next = e.target.checked ? [...(f.dataDetectorTypes ?? []), t] : (f.dataDetectorTypes ?? []).filter((x) => x !== t);
                                setField(i, { dataDetectorTypes: next.length ? next : undefined });
                              }}
                            />{" "}
                            {t}
                          </label>
                        ))}
                        <Issues path={`${at}.dataDetectorTypes`} />
                      </div>
                    ) : null}
                    <div className="flex flex-wrap items-center gap-2">
                      <button type="button" className={buttonClass} disabled={i === 0} onClick={() => setDefinition((d) => ({ ...d, fields: d.fields.map((x, j) => (j === i - 1 ? d.fields[i]! : j === i ? d.fields[i - 1]! : x)) }))}>
                        Move up
                      </button>
                      <button type="button" className={`${buttonClass} text-rose-700`} onClick={() => setDefinition((d) => ({ ...d, fields: d.fields.filter((_, j) => j !== i) }))}>
                        Remove field
                      </button>
                      <Issues path={at} />
                    </div>
                  </div>
                );
              })}
            </Section>

            <Section title="Barcode">
              <div className="grid gap-3 sm:grid-cols-2">
                <Select
                  label="Format"
                  path="barcode.format"
                  value={definition.barcode === null ? "none" : (definition.barcode?.format ?? "QR")}
                  options={["none", ...v.barcodeFormats] as const}
                  onChange={(x) => set({ barcode: x === "none" ? null : { message: "{customerId}", encoding: "iso-8859-1", ...definition.barcode, format: (x ?? "QR") as "QR" } })}
                />
                {definition.barcode !== null ? (
                  <>
                    <TextInput label="Message template" path="barcode.message" value={definition.barcode?.message ?? "{customerId}"} onChange={(x) => set({ barcode: { format: "QR", encoding: "iso-8859-1", ...definition.barcode, message: x } })} />
                    <TextInput label="Alt text template" path="barcode.altText" value={definition.barcode?.altText ?? (definition.barcode ? "" : "{customerId}")} onChange={(x) => set({ barcode: prune({ format: "QR" as const, encoding: "iso-8859-1" as const, message: "{customerId}", ...definition.barcode, altText: x }) })} />
                    <Select label="Encoding" path="barcode.encoding" value={definition.barcode?.encoding ?? "iso-8859-1"} options={v.barcodeEncodings} onChange={(x) => set({ barcode: { format: "QR", message: "{customerId}", ...definition.barcode, encoding: x ?? "iso-8859-1" } })} />
                  </>
                ) : null}
              </div>
              <p className="text-xs text-slate-500">
                Placeholders: <span className="font-mono">{["customerId", "serialNumber", ...props.customIdentifierKeys].map((p) => `{${p}}`).join(" ")}</span>
              </p>
            </Section>

            <Section
              title={`Locations (${definition.locations?.length ?? 0} of ${v.maxLocations})`}
              actions={
                <button type="button" className={buttonClass} disabled={(definition.locations?.length ?? 0) >= v.maxLocations} onClick={() => set({ locations: [...(definition.locations ?? []), { latitude: 0, longitude: 0 }] })}>
                  Add location
                </button>
              }
            >
              <Issues path="locations" />
              {(definition.locations ?? []).map((l, i) => {
                const update = (patch: Partial<typeof l>) => set({ locations: definition.locations!.map((x, j) => (j === i ? prune({ ...x, ...patch }) : x)) });
                const num = (s: string) => (s.trim() === "" || Number.isNaN(Number(s)) ? (s as unknown as number) : Number(s));
                return (
                  <div key={i} className="grid gap-2 sm:grid-cols-[1fr_1fr_2fr_auto]" data-testid={`location-row-${i}`}>
                    <TextInput label="Latitude" path={`locations[${i}].latitude`} value={l.latitude} onChange={(x) => update({ latitude: num(x) })} />
                    <TextInput label="Longitude" path={`locations[${i}].longitude`} value={l.longitude} onChange={(x) => update({ longitude: num(x) })} />
                    <TextInput label="Relevant text" path={`locations[${i}].relevantText`} value={l.relevantText} onChange={(x) => update({ relevantText: x })} />
                    <button type="button" className={`${buttonClass} self-end`} onClick={() => set({ locations: definition.locations!.length > 1 ? definition.locations!.filter((_, j) => j !== i) : undefined })}>
                      Remove
                    </button>
                  </div>
                );
              })}
            </Section>

            <Section
              title={`Beacons (${definition.beacons?.length ?? 0} of ${v.maxBeacons})`}
              actions={
                <button type="button" className={buttonClass} disabled={(definition.beacons?.length ?? 0) >= v.maxBeacons} onClick={() => set({ beacons: [...(definition.beacons ?? []), { proximityUUID: "" }] })}>
                  Add beacon
                </button>
              }
            >
              <Issues path="beacons" />
              {(definition.beacons ?? []).map((b, i) => {
                const update = (patch: Partial<typeof b>) => set({ beacons: definition.beacons!.map((x, j) => (j === i ? prune({ ...x, ...patch }) : x)) });
                const int = (s: string) => (s.trim() === "" ? undefined : Number.isInteger(Number(s)) ? Number(s) : (s as unknown as number));
                return (
                  <div key={i} className="grid gap-2 sm:grid-cols-[2fr_1fr_1fr_2fr_auto]" data-testid={`beacon-row-${i}`}>
                    <TextInput label="Proximity UUID" path={`beacons[${i}].proximityUUID`} value={b.proximityUUID} onChange={(x) => update({ proximityUUID: x })} />
                    <TextInput label="Major" path={`beacons[${i}].major`} value={b.major} onChange={(x) => update({ major: int(x) })} />
                    <TextInput label="Minor" path={`beacons[${i}].minor`} value={b.minor} onChange={(x) => update({ minor: int(x) })} />
                    <TextInput label="Relevant text" path={`beacons[${i}].relevantText`} value={b.relevantText} onChange={(x) => update({ relevantText: x })} />
                    <button type="button" className={`${buttonClass} self-end`} onClick={() => set({ beacons: definition.beacons!.length > 1 ? definition.beacons!.filter((_, j) => j !== i) : undefined })}>
                      Remove
                    </button>
                  </div>
                );
              })}
            </Section>

            <Section title="Dates">
              <div className="grid gap-3 sm:grid-cols-2">
                {(["relevantDate", "expirationDate"] as const).map((which) => {
                  const source = definition[which];
                  const mode = !source ? "" : "value" in source ? "value" : "field";
                  return (
                    <div key={which} className="space-y-2">
                      <Select label={which === "relevantDate" ? "Relevant date" : "Expiration date"} path={which} value={mode || undefined} options={["value", "field"] as const} onChange={(m) => setDate(which, m ?? "")} empty="none" />
                      {mode === "value" ? <TextInput label="Date (Apple format)" path={`${which}.value`} value={(source as { value: string }).value} onChange={(x) => setDate(which, "value", x)} placeholder="2026-12-31T18:00:00Z" /> : null}
                      {mode === "field" ? <Select label="From the date field" path={`${which}.field`} value={(source as { field: string }).field} options={dateFields} onChange={(x) => setDate(which, "field", x)} empty="choose a date field" /> : null}
                    </div>
                  );
                })}
              </div>
            </Section>

            <Section
              title="Languages"
              testId="languages-section"
              actions={
                <form
                  className="flex items-center gap-1"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const input = e.currentTarget.elements.namedItem("lang") as HTMLInputElement;
                    const lang = input.value.trim();
                    if (!lang) return;
                    setDefinition((d) => ({ ...d, localizations: { ...d.localizations, [lang]: d.localizations?.[lang] ?? { strings: {} } } }));
                    setLangTab(lang);
                    input.value = "";
                  }}
                >
                  <input name="lang" aria-label="New language" placeholder="fr" className="w-20 rounded-md border border-slate-300 px-2 py-1 text-xs" />
                  <button type="submit" className={buttonClass}>
                    Add language
                  </button>
                </form>
              }
            >
              {languages.length === 0 ? <p className="text-sm text-slate-500">One language only. Add one (fr, de, pt-BR…) to translate labels, change messages and texts.</p> : null}
              {languages.length ? (
                <div className="flex flex-wrap gap-1" role="tablist">
                  {languages.map((l) => (
                    <button key={l} type="button" role="tab" aria-selected={l === langTab} onClick={() => setLangTab(l)} className={`rounded-md px-2.5 py-1 text-xs font-medium ${l === langTab ? "bg-teal-700 text-white" : "border border-slate-300 text-slate-700"}`}>
                      {l}
                    </button>
                  ))}
                </div>
              ) : null}
              {langTab && definition.localizations?.[langTab] ? (
                <div className="space-y-2">
                  <Issues path={`localizations.${langTab}`} />
                  {translatableTexts(definition).map((text) => (
                    <TextInput key={text} label={text} path={`localizations.${langTab}.strings.${text}`} value={definition.localizations?.[langTab]?.strings?.[text]} onChange={(x) => setTranslation(langTab, text, x)} placeholder={`${text} in ${langTab}`} />
                  ))}
                  <button
                    type="button"
                    className={`${buttonClass} text-rose-700`}
                    onClick={() => {
                      setDefinition((d) => prune({ ...d, localizations: Object.keys(d.localizations ?? {}).length > 1 ? Object.fromEntries(Object.entries(d.localizations ?? {}).filter(([l]) => l !== langTab)) : undefined }) as Definition);
                      setLangTab(languages.find((l) => l !== langTab) ?? "");
                    }}
                  >
                    Remove {langTab}
                  </button>
                </div>
              ) : null}
            </Section>
          </fieldset>

          {canEdit ? (
            <Section title={isNew ? "Create" : "Save"}>
              <div className="flex flex-wrap items-end gap-3">
                {!isNew ? <TextInput label="What changed (optional)" path="message" value={message} onChange={setMessage} className="min-w-[16rem] flex-1" /> : null}
                <button type="button" className={primaryButtonClass} disabled={save.isPending} onClick={() => save.mutate({ tenant, key, definition, name, message: message || undefined })}>
                  {isNew ? "Create pass type" : "Save revision"}
                </button>
                {!isNew && revisions.length && revisions.at(-1)!.number !== published ? (
                  <button type="button" className={primaryButtonClass} disabled={publish.isPending} onClick={() => publish.mutate({ tenant, key, revision: revisions.at(-1)!.number })}>
                    Publish revision {revisions.at(-1)!.number}
                  </button>
                ) : null}
              </div>
              {notice ? <p className="text-sm text-emerald-700" role="status" data-testid="editor-notice">{notice}</p> : null}
              {save.error && !save.error.data?.errors?.length ? <p className="text-sm text-rose-700">{save.error.message}</p> : null}
              {publish.error ? <p className="text-sm text-rose-700">{publish.error.message}</p> : null}
            </Section>
          ) : notice ? (
            <p className="text-sm text-emerald-700" role="status" data-testid="editor-notice">{notice}</p>
          ) : null}

          {!isNew ? (
            <Section title="Revisions" testId="revisions">
              <ol className="divide-y divide-slate-100">
                {[...revisions].reverse().map((r) => (
                  <li key={r.number} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid={`revision-${r.number}`}>
                    <div className="min-w-0">
                      <span className="font-medium">Revision {r.number}</span> {r.published ? <Badge tone="green">published</Badge> : null} {editingRevision === r.number ? <Badge tone="blue">in the form</Badge> : null}
                      <div className="text-xs text-slate-500">
                        {formatTime(r.createdAt)} · {r.actor} · {r.changes.join(", ") || "no changes"}
                        {r.message ? ` · ${r.message}` : ""}
                      </div>
                    </div>
                    <div className="flex gap-2">
                      <button type="button" className={buttonClass} onClick={() => void previewRevision(r.number)}>
                        Preview revision {r.number}
                      </button>
                      {canEdit && !r.published ? (
                        <button type="button" className={buttonClass} disabled={publish.isPending} onClick={() => publish.mutate({ tenant, key, revision: r.number })}>
                          Publish revision {r.number}
                        </button>
                      ) : null}
                    </div>
                  </li>
                ))}
              </ol>
            </Section>
          ) : null}
        </div>

        <aside className="min-w-0 xl:sticky xl:top-4 xl:self-start" data-testid="preview-panel">
          <div className="mb-3 flex flex-wrap items-center gap-2">
            <div className="inline-flex rounded-md border border-slate-300 text-xs" role="group" aria-label="Side">
              {(["front", "back"] as const).map((s) => (
                <button key={s} type="button" aria-pressed={side === s} onClick={() => setSide(s)} className={`px-2.5 py-1 font-medium capitalize ${side === s ? "bg-teal-700 text-white" : "text-slate-700"}`}>
                  {s}
                </button>
              ))}
            </div>
            <label className="flex items-center gap-1 text-xs text-slate-600">
              Language
              <select aria-label="Preview language" value={language} onChange={(e) => setLanguage(e.target.value)} className="rounded-md border border-slate-300 bg-white px-1.5 py-1 text-xs">
                <option value="">default</option>
                {languages.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            {validate.isPending ? <span className="text-xs text-slate-400">checking…</span> : errors.length ? <Badge tone="red">{errors.length} to fix</Badge> : <Badge tone="green">valid</Badge>}
          </div>
          <PassPreview preview={preview} side={side} />
          <p className="mt-2 max-w-[320px] text-xs text-slate-500">Fields without a default show dimmed: a pass shows them once Klaviyo sends a value. The barcode is rendered for a sample customer.</p>
        </aside>
      </div>
    </IssuesContext.Provider>
  );
}
