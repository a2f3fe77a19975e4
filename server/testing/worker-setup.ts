/** Runs in every test worker before test files load: points server code at the run's database. */
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.PASSFLOW_DATA_DIR = inject("dataDir");
