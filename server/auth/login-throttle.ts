/**
 * Throttling of failed console sign-ins (rate-limiter-flexible, on the listeners' store:
 * THROTTLE_STORE memory, redis or postgres). Failures count per email and per client address in
 * a 15-minute window; once either is exhausted further attempts are refused until the window
 * ends, even with the right password. A successful sign-in clears the email's count.
 */
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { limiter } from "@/server/platform/rate-limit";

const WINDOW_SECONDS = 15 * 60;
/** Failed attempts allowed per email within the window. */
export const MAX_FAILURES_PER_EMAIL = 5;
/** Failed attempts allowed per client address within the window (several staff behind one NAT). */
export const MAX_FAILURES_PER_ADDRESS = 30;

async function current(): Promise<{ email: RateLimiterAbstract; address: RateLimiterAbstract }> {
  const [email, address] = await Promise.all([
    limiter("login-email", MAX_FAILURES_PER_EMAIL, WINDOW_SECONDS),
    limiter("login-address", MAX_FAILURES_PER_ADDRESS, WINDOW_SECONDS),
  ]);
  return { email, address };
}

/** Seconds until sign-in is allowed again for this email/address; 0 when it is allowed now. */
export async function loginBlockedFor(email: string, address: string): Promise<number> {
  const { email: byEmail, address: byAddress } = await current();
  const [e, a] = await Promise.all([byEmail.get(email), byAddress.get(address)]);
  const blocked = [
    e && e.consumedPoints >= MAX_FAILURES_PER_EMAIL ? e.msBeforeNext : 0,
    a && a.consumedPoints >= MAX_FAILURES_PER_ADDRESS ? a.msBeforeNext : 0,
  ];
  return Math.ceil(Math.max(...blocked) / 1000);
}

/** Counts one failed attempt for the email and the address. */
export async function recordLoginFailure(email: string, address: string): Promise<void> {
  const { email: byEmail, address: byAddress } = await current();
  await Promise.all([byEmail.consume(email), byAddress.consume(address)].map((p) => p.catch((err: unknown) => {
    if (!(err instanceof RateLimiterRes)) throw err;
  })));
}

/** Forgets the failures of an email after a successful sign-in. */
export async function clearLoginFailures(email: string): Promise<void> {
  await (await current()).email.delete(email);
}
