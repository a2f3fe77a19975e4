import type { Metadata } from "next";
import "./globals.css";

/** Every page is rendered per request, so it carries the nonce of its Content-Security-Policy (proxy.ts). */
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Passflow",
  description: "Apple Wallet passes in step with your Klaviyo marketing",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
