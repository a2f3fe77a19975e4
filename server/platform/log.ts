/**
 * Structured logging: pino JSON lines on stdout. Every line written inside `withCorrelation()`
 * carries that correlation id (AsyncLocalStorage), so one webhook can be followed through route
 * handler, task and outbound calls. Secrets are redacted by path wherever they appear.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pino from "pino";
import { env } from "./env";

const correlation = new AsyncLocalStorage<string>();

/** Paths pino masks with "[redacted]", at the top level and one object deep. */
const SECRET_KEYS = [
  "authorization",
  "password",
  "passwordHash",
  "secret",
  "token",
  "apiKey",
  "authenticationToken",
  "privateKey",
  "x-api-key",
  "klaviyo-signature",
  "cookie",
];

/** A pino logger with Passflow's redaction and correlation ids, writing to `destination` (stdout). */
export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  return pino(
    {
  level: env.LOG_LEVEL,
  base: { service: "passflow" },
  redact: {
    paths: [...SECRET_KEYS.map((k) => `["${k}"]`), ...SECRET_KEYS.map((k) => `*["${k}"]`)],
    censor: "[redacted]",
  },
  mixin() {
    const id = correlation.getStore();
    return id ? { correlationId: id } : {};
  },
    },
    destination,
  );
}

/** The process logger (stdout, or stderr with LOG_DESTINATION=stderr). */
export const logger = createLogger(env.LOG_DESTINATION === "stderr" ? pino.destination(2) : undefined);

/** Runs `fn` with `correlationId` attached to every log line written during it. */
export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return correlation.run(correlationId, fn);
}

