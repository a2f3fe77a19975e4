/**
 * Runs in every test worker before test files load: points server code at the run's database,
 * and at the run's app (PORT), where the embedded executor takes the Inngest events tests send.
 */
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.PASSFLOW_DATA_DIR = inject("dataDir");
process.env.PORT = new URL(inject("appUrl")).port;
