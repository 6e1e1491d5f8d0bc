import { describe, expect, it } from "vitest";
import {
  ACCOUNT_POLICY,
  IP_POLICY,
  recordFailure,
  retryAfterMs,
  type ThrottleState,
} from "../../app/domain/login-throttle";

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);

function failures(n: number, policy = ACCOUNT_POLICY, start = T0, stepMs = 1000) {
  let state: ThrottleState | null = null;
  for (let i = 0; i < n; i++) state = recordFailure(state, start + i * stepMs, policy);
  return state!;
}

describe("login throttling", () => {
  it("lets four failures pass and blocks after the fifth", () => {
    expect(retryAfterMs(failures(4), T0 + 4000)).toBe(0);
    const fifth = failures(5);
    expect(fifth.blockedUntil).toBe(T0 + 4000 + 30_000);
    expect(retryAfterMs(fifth, T0 + 4000)).toBe(30_000);
    expect(retryAfterMs(fifth, T0 + 4000 + 30_000)).toBe(0);
  });

  it("doubles the wait with each further failure, up to 15 minutes", () => {
    const waits = [5, 6, 7, 8, 9, 10, 11, 12].map((n) => {
      const s = failures(n);
      return s.blockedUntil! - (T0 + (n - 1) * 1000);
    });
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]);
  });

  it("starts a new window an hour after the first failure", () => {
    const old = failures(7);
    const later = recordFailure(old, T0 + 3600_000, ACCOUNT_POLICY);
    expect(later).toEqual({ failures: 1, windowStartedAt: T0 + 3600_000, blockedUntil: null });
  });

  it("keeps an account under 100 failures an hour even for a patient attacker", () => {
    let state: ThrottleState | null = null;
    let t = T0;
    let attempts = 0;
    while (t < T0 + 3600_000) {
      const wait = retryAfterMs(state, t);
      t += Math.max(wait, 1);
      if (t >= T0 + 3600_000) break;
      state = recordFailure(state, t, ACCOUNT_POLICY);
      attempts++;
    }
    expect(attempts).toBeLessThanOrEqual(100);
    expect(attempts).toBeLessThan(20);
  });

  it("gives a shared address more room than one account", () => {
    expect(failures(19, IP_POLICY).blockedUntil).toBeNull();
    expect(failures(20, IP_POLICY).blockedUntil).not.toBeNull();
  });
});
