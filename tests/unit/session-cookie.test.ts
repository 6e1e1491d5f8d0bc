// readSessionToken reads what React Router's signed cookie writes (login still writes it with
// sessionCookie().serialize), and refuses what that cookie's own parse refuses.
import { createCookie } from "react-router";
import { describe, expect, test } from "vitest";
import { readSessionToken } from "../../app/auth/cookies.server";

const OLD = "an-old-secret-0123456789abcdef0123456789";
const NEW = "the-current-secret-0123456789abcdef012345";
const writer = (secrets: string[]) =>
  createCookie("dh_session", { secrets, httpOnly: true, sameSite: "lax", path: "/" });
const header = async (secrets: string[], value: string) => (await writer(secrets).serialize(value)).split(";")[0]!;
const TOKEN = "q1v_8dZr0-jX2mNcT7wYb3KpLfHs9UeA6oGiRtE5yWk";

describe("readSessionToken", () => {
  test("reads the token React Router signed, with any of the secrets, among other cookies", async () => {
    const cookie = await header([NEW], TOKEN);
    expect(readSessionToken(cookie, [NEW])).toBe(TOKEN);
    expect(readSessionToken(`dh_lang=%22en%22; ${cookie}; other=1`, [NEW])).toBe(TOKEN);
    // After a rotation (SESSION_SECRET=new,old) a cookie signed with the old one still reads.
    expect(readSessionToken(await header([OLD], TOKEN), [NEW, OLD])).toBe(TOKEN);
    // And both readers agree on every case below.
    for (const value of [TOKEN, "令牌", ""]) {
      const signed = await header([NEW], value);
      expect(readSessionToken(signed, [NEW])).toBe(await writer([NEW]).parse(signed));
    }
  });

  test("refuses a forged, altered or foreign-secret cookie", async () => {
    const cookie = await header([NEW], TOKEN);
    expect(readSessionToken(cookie, [OLD])).toBeNull();
    const [name, value] = cookie.split("=") as [string, string];
    const decoded = decodeURIComponent(value);
    const dot = decoded.lastIndexOf(".");
    const otherPayload = Buffer.from(JSON.stringify("someone-elses-token")).toString("base64");
    expect(readSessionToken(`${name}=${encodeURIComponent(otherPayload + decoded.slice(dot))}`, [NEW])).toBeNull();
    expect(readSessionToken(`${name}=${encodeURIComponent(decoded.slice(0, dot))}`, [NEW])).toBeNull();
    expect(readSessionToken(`${name}=${encodeURIComponent(`${decoded.slice(0, dot)}.AAAA`)}`, [NEW])).toBeNull();
    expect(readSessionToken(`${name}=%E0%A4%A`, [NEW])).toBeNull();
    expect(await writer([OLD]).parse(cookie)).toBeNull();
  });

  test("no cookie is null, an emptied one is empty", async () => {
    expect(readSessionToken(null, [NEW])).toBeNull();
    expect(readSessionToken("dh_lang=%22en%22", [NEW])).toBeNull();
    expect(readSessionToken("dh_session=", [NEW])).toBe("");
  });
});
