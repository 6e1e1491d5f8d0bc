// The security matrix (tests/security/access-matrix.ts) against the route manifest, without a
// server: a route added to app/routes.ts without a matrix entry fails here first.
import { describe, expect, test } from "vitest";
import { API_MATRIX, flattenRoutes, manifestProblems, routeManifest } from "../security/access-matrix";

describe("the access matrix and the route manifest", () => {
  test("every route has an entry, every entry a route, and entries are well formed", async () => {
    const problems = manifestProblems(await routeManifest());
    expect(problems.withoutEntry, "routes without a matrix entry").toEqual([]);
    expect(problems.withoutRoute, "matrix entries naming no route").toEqual([]);
    expect(problems.malformed).toEqual([]);
  });

  test("flattening joins nested paths and gives index routes their parent's path", () => {
    expect(
      flattenRoutes([
        { file: "a.tsx", index: true },
        {
          file: "layout.tsx",
          path: "admin",
          children: [
            { file: "dash.tsx", index: true },
            { file: "o.tsx", path: "orders/:number" },
          ],
        },
        { file: "solo.tsx", path: "solo", children: [{ file: "c.tsx", path: "child" }] },
        { file: "x.tsx", path: "*" },
      ]),
    ).toEqual([
      { path: "/", file: "a.tsx" },
      { path: "/admin", file: "dash.tsx" },
      { path: "/admin/orders/:number", file: "o.tsx" },
      { path: "/solo/child", file: "c.tsx" },
      { path: "/solo", file: "solo.tsx" },
      { path: "/*", file: "x.tsx" },
    ]);
  });

  // The API (/api/v1, issue 8) gets one API_MATRIX entry per endpoint; none yet.
  if (!Object.keys(API_MATRIX).length) test.todo("API (/api/v1): no API routes yet");
});
