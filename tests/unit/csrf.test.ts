import { describe, expect, it } from "vitest";
import { isForeignRequest } from "../../app/auth/csrf.server";

const options = { allowedOrigins: [] as string[], trustProxy: false };
const post = (headers: Record<string, string>) =>
  new Request("http://portal.example:3000/login", { method: "POST", headers, body: "x=1" });

describe("CSRF check", () => {
  it("lets GET through untouched", () => {
    expect(isForeignRequest(new Request("http://portal.example:3000/admin"), options)).toBe(false);
  });

  it("accepts a POST from the same origin", () => {
    expect(
      isForeignRequest(post({ origin: "http://portal.example:3000", "sec-fetch-site": "same-origin" }), options),
    ).toBe(false);
  });

  it("refuses a POST from another site, or with no Origin at all", () => {
    expect(isForeignRequest(post({ origin: "http://evil.example" }), options)).toBe(true);
    expect(isForeignRequest(post({}), options)).toBe(true);
    expect(isForeignRequest(post({ origin: "null" }), options)).toBe(true);
    expect(
      isForeignRequest(post({ origin: "http://portal.example:3000", "sec-fetch-site": "cross-site" }), options),
    ).toBe(true);
  });

  it("believes the browser's same-origin mark when Origin is withheld as null", () => {
    expect(isForeignRequest(post({ origin: "null", "sec-fetch-site": "same-origin" }), options)).toBe(false);
    expect(isForeignRequest(post({ "sec-fetch-site": "same-origin" }), options)).toBe(false);
    expect(isForeignRequest(post({ origin: "null", "sec-fetch-site": "same-site" }), options)).toBe(true);
  });

  it("compares hosts, so TLS ended at a proxy still matches", () => {
    expect(isForeignRequest(post({ origin: "https://portal.example:3000" }), options)).toBe(false);
  });

  it("trusts X-Forwarded-Host only when told to", () => {
    const req = () => post({ origin: "https://shop.example.cn", "x-forwarded-host": "shop.example.cn" });
    expect(isForeignRequest(req(), options)).toBe(true);
    expect(isForeignRequest(req(), { ...options, trustProxy: true })).toBe(false);
  });

  it("accepts configured extra origins", () => {
    expect(
      isForeignRequest(post({ origin: "https://erp.example.cn" }), {
        ...options,
        allowedOrigins: ["https://erp.example.cn"],
      }),
    ).toBe(false);
  });

  it("exempts bearer-token API calls, which carry no ambient credentials, and nothing else", () => {
    const api = new Request("http://portal.example:3000/api/v1/orders", {
      method: "POST",
      headers: { authorization: "Bearer abc" },
      body: "{}",
    });
    expect(isForeignRequest(api, options)).toBe(false);
    expect(isForeignRequest(post({ authorization: "Bearer abc" }), options)).toBe(true);
    const cookieApi = new Request("http://portal.example:3000/api/v1/orders", {
      method: "POST",
      headers: { cookie: "dh_lang=en; dh_session=abc" },
      body: "{}",
    });
    expect(isForeignRequest(cookieApi, options)).toBe(true);
    // A script with no session (asking for a token) has no ambient credentials to forge.
    const script = new Request("http://portal.example:3000/api/v1/auth/token", { method: "POST", body: "{}" });
    expect(isForeignRequest(script, options)).toBe(false);
  });
});
