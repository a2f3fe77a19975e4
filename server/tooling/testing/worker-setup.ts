/**
 * Runs in every test worker before test files load: points server code at the run's database,
 * and at the run's app (PORT), where the embedded executor takes the Inngest events tests send,
 * and at the run's Google Wallet API mock.
 */
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.PASSFLOW_DATA_DIR = inject("dataDir");
process.env.PORT = new URL(inject("appUrl")).port;
Object.assign(process.env, inject("googleWalletMock"));
// functions a test executes in its own process send to the run's Klaviyo API mock, as the app does
process.env.KLAVIYO_API_URL = inject("klaviyoMock").url;
process.env.KLAVIYO_MOCK_CONTROL_URL = inject("klaviyoMock").controlUrl;
