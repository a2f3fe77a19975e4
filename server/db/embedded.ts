/**
 * The embedded default's PostgreSQL: PGlite (PostgreSQL compiled to Wasm) served over the
 * PostgreSQL wire protocol by pglite-socket, so every process (Next.js, CLI, executor, Prisma
 * Migrate) connects through an ordinary `postgres://` URL and the app has no embedded branch.
 *
 * One process owns a data directory at a time (PGlite must never open one directory twice). The
 * owner writes `<dir>/owner.json` ({ pid, port }); `connectEmbeddedPostgres()` connects to a live
 * owner or becomes the owner itself for the life of the calling process.
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { pidAlive } from "@/server/platform/pid";

export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** True when this process serves the database (and must stop it). */
  owner: boolean;
  /** Stops the server if this process owns it; no-op otherwise. */
  stop(): Promise<void>;
}

/** Connections the socket server accepts: pools of the app, CLI, executor and migrate together. */
const MAX_CONNECTIONS = 100;

/** Frontend messages that open or continue an extended-query sequence, which only Sync ('S') ends. */
const MID_SEQUENCE = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));

/**
 * PGlite runs one PostgreSQL session for every socket. pglite-socket queues each wire message on
 * its own and keeps a connection's turn only inside a transaction, so two connections' Parse,
 * Bind, Execute messages could interleave ("bind message supplies 2 parameters, but prepared
 * statement "" requires 1"). This view of the database also reports "in a transaction" while a
 * connection is between Parse and Sync, so the queue serves that connection until its Sync
 * (PostgreSQL protocol, 55.2.3 Extended Query).
 */
function serializeExtendedQueries(db: PGlite): PGlite {
  let midSequence = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "isInTransaction") return () => midSequence || target.isInTransaction();
      if (prop === "execProtocolRawStream") {
        return async (message: Uint8Array, options: Parameters<PGlite["execProtocolRawStream"]>[1]) => {
          midSequence = MID_SEQUENCE.has(message[0]!);
          return target.execProtocolRawStream(message, options);
        };
      }
      if (prop === "exec") {
        // the queue's clean-up after a connection drops mid-transaction (ROLLBACK)
        return (...args: Parameters<PGlite["exec"]>) => {
          midSequence = false;
          return target.exec(...args);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function urlFor(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/**
 * Starts a PGlite socket server. `dataDir` is a folder (kept across restarts) or `memory://`
 * (a throwaway database, as the tests use). `port` 0 picks a free port.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number }): Promise<EmbeddedPostgres> {
  const db = await PGlite.create({ dataDir: opts.dataDir });
  const server = new PGLiteSocketServer({ db: serializeExtendedQueries(db), host: "127.0.0.1", port: opts.port ?? 0, maxConnections: MAX_CONNECTIONS });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  let stopped = false;
  return {
    url: urlFor(port),
    owner: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}


function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

interface Owner {
  pid: number;
  port?: number;
}

function readOwner(file: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * Connects to the embedded PostgreSQL of `dir` (under the data directory), starting it in this
 * process when no live owner serves it. Waits up to 30 s for an owner that is still starting.
 */
export async function connectEmbeddedPostgres(dir: string, port = 0): Promise<EmbeddedPostgres> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ownerFile = path.join(dir, "owner.json");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const owner = readOwner(ownerFile);
    if (owner && owner.pid !== process.pid && pidAlive(owner.pid)) {
      if (owner.port && (await portOpen(owner.port))) {
        return { url: urlFor(owner.port), owner: false, stop: async () => {} };
      }
      await new Promise((r) => setTimeout(r, 100)); // the owner is still starting
      continue;
    }
    if (owner) rmSync(ownerFile, { force: true }); // left by a process that died
    let fd: number;
    try {
      fd = openSync(ownerFile, "wx", 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") continue; // another process won the race
      throw err;
    }
    writeFileSync(fd, JSON.stringify({ pid: process.pid }));
    closeSync(fd);
    try {
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pgdata"), port });
      writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port: Number(new URL(pg.url).port) }));
      return {
        ...pg,
        async stop() {
          await pg.stop();
          rmSync(ownerFile, { force: true });
        },
      };
    } catch (err) {
      rmSync(ownerFile, { force: true });
      throw err;
    }
  }
  throw new Error(`embedded PostgreSQL in ${dir} did not become ready within 30 s`);
}
