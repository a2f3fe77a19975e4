/** CLI `db`: migrations and the demo seed. */
import type { Command } from "commander";
import { migrateDeploy } from "@/server/db/migrate";
import { seedDemo } from "@/server/tooling/seed";
import { ACTOR, out, json, withDb } from "../common";

export function registerDbCommands(program: Command): void {
  const dbCmd = program.command("db").description("database");
  dbCmd
    .command("migrate")
    .description("apply pending migrations (idempotent)")
    .option("--json", "print a JSON summary")
    .action(
      withDb(
        async (opts: { json?: boolean }) => {
          const applied = await migrateDeploy(process.env.DATABASE_URL!);
          if (opts.json) json({ applied });
          else out(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database is up to date");
        },
        { migrate: false },
      ),
    );
  dbCmd
    .command("seed")
    .description("create the demo tenant, its staff admin, customers and passes (if absent)")
    .option("--json", "print a JSON summary")
    .action(
      withDb(async (opts: { json?: boolean }) => {
        const result = await seedDemo({ actor: ACTOR });
        if (opts.json) json(result);
        else if (result.created) out(`seeded tenant ${result.tenant}; admin ${result.admin.email} password ${result.admin.password}`);
        else out(`tenant ${result.tenant} already exists; nothing seeded`);
      }),
    );
}
