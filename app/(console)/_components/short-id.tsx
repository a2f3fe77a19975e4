"use client";
/**
 * A long id (UUID, cuid, push token) shortened to its first characters on one line, whole in its
 * title (and, as a link, in its accessible name), with a button that copies the whole id.
 */
import Link from "next/link";
import { useState } from "react";

async function copy(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  const area = document.createElement("textarea"); // plain http on another host: no Clipboard API
  area.value = text;
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

export function ShortId({ id, href, chars = 8 }: { id: string; href?: string; chars?: number }) {
  const [copied, setCopied] = useState(false);
  const short = id.length > chars + 1 ? `${id.slice(0, chars)}…` : id;
  const text = (
    <span className="font-mono text-xs" title={id} data-testid="short-id">
      {short}
    </span>
  );
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap align-middle">
      {href ? (
        <Link href={href} aria-label={id} className="text-teal-700 hover:text-teal-900 hover:underline">
          {text}
        </Link>
      ) : (
        text
      )}
      <button
        type="button"
        aria-label="Copy id"
        title={copied ? "Copied" : `Copy ${id}`}
        className="rounded p-0.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        onClick={() => {
          void copy(id).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
      >
        {copied ? (
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-3.5 w-3.5" fill="currentColor">
            <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" />
          </svg>
        ) : (
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-3.5 w-3.5" fill="currentColor">
            <path d="M7 3a2 2 0 0 0-2 2v1H4a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2v-1h1a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2H7Zm5 11V8a2 2 0 0 0-2-2H7V5h6v9h-1Zm-8-6h6v8H4V8Z" />
          </svg>
        )}
      </button>
    </span>
  );
}
