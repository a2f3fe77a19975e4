/**
 * Runs once when the Next.js server starts (from instrumentation.ts): invalid configuration
 * prints one line naming the variable and stops the process before it serves anything.
 */
import { parseEnv } from "./env";

try {
  parseEnv();
} catch (err) {
  console.error(`passflow: ${(err as Error).message}`);
  process.exit(1);
}
