import { describe, expect, test } from "vitest";
import { takesApiFastPath } from "../../app/api/fast-path";

const headers = (h: Record<string, string>) => new Headers(h);

describe("the API's way past React Router", () => {
  test("an /api/v1 call with a bearer token and no cookie takes it", () => {
    expect(takesApiFastPath("/api/v1/orders", headers({ authorization: "Bearer dh_abc" }))).toBe(true);
    expect(takesApiFastPath("/api/v1/orders/DH1/actions", headers({ authorization: "bearer dh_abc" }))).toBe(true);
  });

  test("a cookie, even beside a token, goes through React Router and its session and Origin checks", () => {
    expect(
      takesApiFastPath("/api/v1/orders", headers({ authorization: "Bearer dh_abc", cookie: "dh_session=x" })),
    ).toBe(false);
    expect(takesApiFastPath("/api/v1/me", headers({ cookie: "dh_session=x" }))).toBe(false);
  });

  test("no token, another scheme, or another path does not", () => {
    expect(takesApiFastPath("/api/v1/auth/token", headers({}))).toBe(false);
    expect(takesApiFastPath("/api/v1/me", headers({ authorization: "Basic YTpi" }))).toBe(false);
    expect(takesApiFastPath("/api/v1", headers({ authorization: "Bearer dh_abc" }))).toBe(false);
    expect(takesApiFastPath("/admin/orders", headers({ authorization: "Bearer dh_abc" }))).toBe(false);
    expect(takesApiFastPath("/api/v2/orders", headers({ authorization: "Bearer dh_abc" }))).toBe(false);
  });
});
