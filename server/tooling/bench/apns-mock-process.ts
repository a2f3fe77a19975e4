/**
 * Runs the local APNs mock as its own process (`spawnApnsMock` in server/tooling/mocks/apns.ts:
 * the benchmarks keep its CPU apart from the process being measured). Prints `{ host, port, caPem, controlUrl }` as one JSON line on stdout;
 * stops on SIGTERM or when stdin closes.
 */
import { startApnsMock } from "@/server/tooling/mocks/apns";

async function main() {
  const mock = await startApnsMock();
  process.stdout.write(JSON.stringify({ host: mock.host, port: mock.port, caPem: mock.caPem, controlUrl: mock.controlUrl }) + "\n");
  const stop = async () => {
    await mock.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.stdin.on("end", () => void stop());
  process.stdin.resume();
}

void main();
