/**
 * Throttling of failed console sign-ins (rate-limiter-flexible). Failures count per email and
 * per client address in a 15-minute window; once either is exhausted further attempts are
 * refused until the window ends, even with the right password. A successful sign-in clears the
 * email's count.
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

const WINDOW_SECONDS = 15 * 60;
/** Failed attempts allowed per email within the window. */
export const MAX_FAILURES_PER_EMAIL = 5;
/** Failed attempts allowed per client address within the window (several staff behind one NAT). */
export const MAX_FAILURES_PER_ADDRESS = 30;

interface Limiters {
  email: RateLimiterAbstract;
  address: RateLimiterAbstract;
}

let limiters: Limiters | undefined;

function current(): Limiters {
  limiters ??= {
    email: new RateLimiterMemory({ keyPrefix: "pf:login:email", points: MAX_FAILURES_PER_EMAIL, duration: WINDOW_SECONDS }),
    address: new RateLimiterMemory({ keyPrefix: "pf:login:addr", points: MAX_FAILURES_PER_ADDRESS, duration: WINDOW_SECONDS }),
  };
  return limiters;
}

/** Seconds until sign-in is allowed again for this email/address; 0 when it is allowed now. */
export async function loginBlockedFor(email: string, address: string): Promise<number> {
  const { email: byEmail, address: byAddress } = current();
  const [e, a] = await Promise.all([byEmail.get(email), byAddress.get(address)]);
  const blocked = [
    e && e.consumedPoints >= MAX_FAILURES_PER_EMAIL ? e.msBeforeNext : 0,
    a && a.consumedPoints >= MAX_FAILURES_PER_ADDRESS ? a.msBeforeNext : 0,
  ];
  return Math.ceil(Math.max(...blocked) / 1000);
}

/** Counts one failed attempt for the email and the address. */
export async function recordLoginFailure(email: string, address: string): Promise<void> {
  const { email: byEmail, address: byAddress } = current();
  await Promise.all([byEmail.consume(email), byAddress.consume(address)].map((p) => p.catch((err: unknown) => {
    if (!(err instanceof RateLimiterRes)) throw err;
  })));
}

/** Forgets the failures of an email after a successful sign-in. */
export async function clearLoginFailures(email: string): Promise<void> {
  await current().email.delete(email);
}

/** Test hook: starts counting afresh. */
export function resetLoginThrottle(): void {
  limiters = undefined;
}
