"use client";
/**
 * The console's frame: the side navigation beside the page from `lg` (1024 px) up; below, a top
 * bar with a menu button that opens the navigation over the page (following a link closes it).
 */
import { useState } from "react";

export function ConsoleShell({ sidebar, children }: { sidebar: React.ReactNode; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="min-h-screen lg:flex">
      <header className="sticky top-0 z-40 flex h-[3.25rem] items-center justify-between bg-teal-900 px-4 lg:hidden">
        <span className="text-lg font-semibold text-white">Passflow</span>
        <button
          type="button"
          aria-expanded={open}
          aria-controls="console-sidebar"
          aria-label="Menu"
          className="inline-flex items-center gap-2 rounded-md px-3 py-1.5 text-sm font-medium text-teal-50 ring-1 ring-teal-700 hover:bg-teal-800"
          onClick={() => setOpen((o) => !o)}
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
            {open ? (
              <path d="M4.3 4.3a1 1 0 0 1 1.4 0L10 8.6l4.3-4.3a1 1 0 1 1 1.4 1.4L11.4 10l4.3 4.3a1 1 0 0 1-1.4 1.4L10 11.4l-4.3 4.3a1 1 0 0 1-1.4-1.4L8.6 10 4.3 5.7a1 1 0 0 1 0-1.4Z" />
            ) : (
              <path d="M3 5h14a1 1 0 1 0 0-2H3a1 1 0 0 0 0 2Zm14 4H3a1 1 0 0 0 0 2h14a1 1 0 1 0 0-2Zm0 6H3a1 1 0 1 0 0 2h14a1 1 0 1 0 0-2Z" />
            )}
          </svg>
          {open ? "Close" : "Menu"}
        </button>
      </header>
      {open ? <div className="fixed inset-x-0 bottom-0 top-[3.25rem] z-30 bg-slate-900/40 lg:hidden" aria-hidden="true" onClick={() => setOpen(false)} /> : null}
      <aside
        id="console-sidebar"
        className={`${open ? "fixed bottom-0 left-0 top-[3.25rem] z-40 flex w-64 max-w-[85vw] overflow-y-auto shadow-xl" : "hidden"} flex-col justify-between bg-teal-900 px-3 py-5 lg:static lg:flex lg:w-56 lg:shrink-0 lg:overflow-visible lg:shadow-none`}
        onClick={(e) => {
          if ((e.target as HTMLElement).closest("a")) setOpen(false);
        }}
      >
        {sidebar}
      </aside>
      <main className="min-w-0 flex-1 px-4 py-5 sm:px-6 lg:px-8 lg:py-6">{children}</main>
    </div>
  );
}
