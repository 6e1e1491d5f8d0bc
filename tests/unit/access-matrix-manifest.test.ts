// The security matrix (tests/security/access-matrix.ts) against the route manifest, without a
// server: a route added to app/routes.ts without a matrix entry fails here first.
import { describe, expect, test } from "vitest";
import { ENDPOINTS } from "../../app/api/endpoints.server";
import { describeEndpoints } from "../../app/api/reference";
import {
  type ApiEndpointRef,
  apiMatrixProblems,
  flattenRoutes,
  manifestProblems,
  routeManifest,
} from "../security/access-matrix";

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
});

/** The API's endpoint table as the matrix sees it: method, path and, for action endpoints, the body's actions. */
function apiEndpoints(): ApiEndpointRef[] {
  return describeEndpoints(ENDPOINTS).map((e) => {
    const actions = e.body.map((b) => b.variant).filter((v): v is string => typeof v === "string");
    return { method: e.method, path: e.path.replace(/^\/api\/v1/, ""), ...(actions.length ? { actions } : {}) };
  });
}

describe("the API matrix and the API's endpoint table", () => {
  test("every endpoint has an entry, every entry an endpoint, every action of an action endpoint an entry", () => {
    const endpoints = apiEndpoints();
    expect(endpoints.length).toBeGreaterThan(10);
    expect(endpoints.find((e) => e.path === "/orders/{number}/actions")?.actions).toContain("approve");
    const problems = apiMatrixProblems(endpoints);
    expect(problems.withoutEntry, "API endpoints without a matrix entry").toEqual([]);
    expect(problems.withoutEndpoint, "API matrix entries naming no endpoint").toEqual([]);
    expect(problems.malformed).toEqual([]);
  });

  test("a new endpoint, a removed one or a new action fails the check", () => {
    const endpoints = apiEndpoints();
    const withNew = [...endpoints, { method: "GET", path: "/invoices" }];
    expect(apiMatrixProblems(withNew).withoutEntry).toEqual(["GET /api/v1/invoices"]);
    expect(apiMatrixProblems(endpoints.filter((e) => e.path !== "/me")).withoutEndpoint).toEqual(["GET /api/v1/me"]);
    const withAction = endpoints.map((e) =>
      e.path === "/returns/{number}/actions" ? { ...e, actions: [...(e.actions ?? []), "split"] } : e,
    );
    expect(apiMatrixProblems(withAction).malformed).toEqual([
      "POST /api/v1/returns/{number}/actions: the matrix lists no entry for action split",
    ]);
  });
});
