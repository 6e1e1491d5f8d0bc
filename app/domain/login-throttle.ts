/**
 * Login throttling (RELIABILITY B2) as pure rules over a counter row; the service stores the
 * row in the database so every process shares it. Keys are per account and per client IP.
 */
export interface ThrottleState {
  failures: number;
  windowStartedAt: number; // epoch ms
  blockedUntil: number | null; // epoch ms
}

export interface ThrottlePolicy {
  /** Failures allowed before each further failure blocks for a while. */
  freeFailures: number;
  baseBlockMs: number;
  maxBlockMs: number;
  windowMs: number;
}

const MINUTE = 60_000;

export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  baseBlockMs: 30_000,
  maxBlockMs: 15 * MINUTE,
  windowMs: 60 * MINUTE,
};
// An office of dealers can share one address, so the address gets more room than one account.
export const IP_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  baseBlockMs: 30_000,
  maxBlockMs: 15 * MINUTE,
  windowMs: 60 * MINUTE,
};

/** Milliseconds until another attempt is allowed, or 0. */
export function retryAfterMs(state: ThrottleState | null, now: number): number {
  if (!state?.blockedUntil) return 0;
  return Math.max(0, state.blockedUntil - now);
}

/** The state after one more failed attempt at `now`. */
export function recordFailure(state: ThrottleState | null, now: number, policy: ThrottlePolicy): ThrottleState {
  const fresh = !state || now - state.windowStartedAt >= policy.windowMs;
  const failures = fresh ? 1 : state.failures + 1;
  const windowStartedAt = fresh ? now : state.windowStartedAt;
  if (failures < policy.freeFailures) return { failures, windowStartedAt, blockedUntil: null };
  const doublings = Math.min(failures - policy.freeFailures, 30);
  const blockMs = Math.min(policy.baseBlockMs * 2 ** doublings, policy.maxBlockMs);
  return { failures, windowStartedAt, blockedUntil: now + blockMs };
}
