/** Next.js start-up hook: validates configuration before the first request (Node.js runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await (await import("./server/startup")).startServer();
}
