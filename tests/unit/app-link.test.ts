import { createElement as h, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { AppLink, AppNavLink, isActivePath } from "../../app/components/row-link";

const at = (url: string, element: ReactNode) =>
  renderToStaticMarkup(h(MemoryRouter, { initialEntries: [url] }, element));

describe("AppLink", () => {
  it("links an absolute path as it is and a query onto the current page", () => {
    expect(at("/admin/orders?status=x", h(AppLink, { to: "/admin/customers" }, "c"))).toBe(
      '<a href="/admin/customers" data-row-link="">c</a>',
    );
    expect(at("/admin/orders?status=x", h(AppLink, { to: "?sort=number", className: "k" }, "n"))).toBe(
      '<a href="/admin/orders?sort=number" data-row-link="" class="k">n</a>',
    );
  });
});

describe("AppNavLink", () => {
  const nav = (url: string, to: `/${string}`, end = false) =>
    at(url, h(AppNavLink, { to, end, className: ({ isActive }) => (isActive ? "on" : "off") }, "x"));

  it("marks the current page and the pages below it, as NavLink does", () => {
    expect(nav("/admin/orders/DH1", "/admin/orders")).toContain('aria-current="page" class="on"');
    expect(nav("/admin/orders", "/admin/orders?status=pending_order_review")).toContain('class="on"');
    expect(nav("/admin/orders/DH1", "/admin/orders", true)).toBe(
      '<a href="/admin/orders" data-row-link="" class="off">x</a>',
    );
    expect(nav("/admin/ordersx", "/admin/orders")).toContain('class="off"');
    expect(nav("/admin/customers", "/admin", true)).toContain('class="off"');
  });

  it("compares paths without a trailing slash", () => {
    expect(isActivePath("/admin/", "/admin", true)).toBe(true);
    expect(isActivePath("/", "/", true)).toBe(true);
    expect(isActivePath("/shop/cart", "/", false)).toBe(true);
    expect(isActivePath("/shop", "/shop/cart", false)).toBe(false);
  });
});
