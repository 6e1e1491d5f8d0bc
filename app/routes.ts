import { index, type RouteConfig, route } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("login", "routes/auth/login.tsx"),
  route("logout", "routes/auth/logout.tsx"),
  route("set-language", "routes/set-language.ts"),
  route("healthz", "routes/healthz.ts"),
  route("readyz", "routes/readyz.ts"),
  route("images/:imageId/:variant", "routes/images.ts"),
  // @routes:images
  // The console (管理后台): staff only.
  route("admin", "routes/admin/layout.tsx", [
    index("routes/admin/dashboard.tsx"),
    route("customers", "routes/admin/customers.tsx"),
    route("customers/new", "routes/admin/customer-new.tsx"),
    route("customers/:customerId", "routes/admin/customer-edit.tsx"),
    // @routes:customers
    route("products", "routes/admin/products.tsx"),
    route("products/new", "routes/admin/product-new.tsx"),
    route("products/:productId", "routes/admin/product-edit.tsx"),
    route("categories", "routes/admin/categories.tsx"),
    route("prices", "routes/admin/prices.tsx"),
    // @routes:products
    route("warehouses", "routes/admin/warehouses.tsx"),
    route("stock", "routes/admin/stock.tsx"),
    route("stock/movements", "routes/admin/stock-movements.tsx"),
    // @routes:stock
    route("import/:kind", "routes/admin/import.tsx"),
    route("export/:file", "routes/admin/export.ts"),
    // @routes:imports
    route("orders/new", "routes/admin/order-new.tsx"),
    // @routes:admin-orders
    route("funds", "routes/admin/funds.tsx"),
    route("payment-reports", "routes/admin/funds-reports.tsx"),
    route("funds/customers/:customerId", "routes/admin/funds-customer.tsx"),
    route("funds/customers/:customerId/statement", "routes/admin/funds-statement.tsx"),
    route("funds/customers/:customerId/statement/export", "routes/admin/funds-statement-export.ts"),
    route("funds/proof/:reportId", "routes/admin/funds-proof.ts"),
    // @routes:funds-admin
    route("orders", "routes/admin/orders.tsx"),
    route("orders/:number", "routes/admin/order.tsx"),
    route("orders/:number/delivery-note", "routes/admin/delivery-note.tsx"),
    route("orders-export/:file", "routes/admin/orders-export.ts"),
    route("settings/workflow", "routes/admin/workflow.tsx"),
    // @routes:pipeline-admin
    route("settings/webhooks", "routes/admin/webhooks.tsx"),
    route("settings/webhooks/new", "routes/admin/webhook-new.tsx"),
    route("settings/webhooks/:endpointId", "routes/admin/webhook.tsx"),
    // @routes:webhooks-admin
    route("returns", "routes/admin/returns.tsx"),
    route("returns/new", "routes/admin/return-new.tsx"),
    route("returns/:number", "routes/admin/return.tsx"),
    route("returns/:number/photos/:position/:variant", "routes/admin/return-photo.ts"),
    route("returns-export/:file", "routes/admin/returns-export.ts"),
    route("returns-report", "routes/admin/returns-report.tsx"),
    // @routes:returns-admin
    route("settings/staff", "routes/admin/staff.tsx"),
    route("settings/staff/new", "routes/admin/staff-new.tsx"),
    route("settings/staff/:accountId", "routes/admin/staff-edit.tsx"),
    route("settings/roles", "routes/admin/roles.tsx"),
    route("settings/roles/new", "routes/admin/role-new.tsx"),
    route("settings/roles/:roleId", "routes/admin/role-edit.tsx"),
    route("settings/permissions", "routes/admin/permission-matrix.tsx"),
    route("settings/audit", "routes/admin/audit-log.tsx"),
    route("settings/audit-export/:file", "routes/admin/audit-export.ts"),
    // @routes:staff-admin
    route("settings/api", "routes/admin/api-reference.tsx"),
    route("settings/api-tokens", "routes/admin/api-tokens.tsx"),
    // @routes:api-admin
  ]),
  // The storefront (订货商城): customers' ordering accounts only.
  route("shop", "routes/shop/layout.tsx", [
    index("routes/shop/catalog.tsx"),
    route("products/:productId", "routes/shop/product.tsx"),
    route("cart", "routes/shop/cart.tsx"),
    route("quick-order", "routes/shop/quick-order.tsx"),
    route("checkout", "routes/shop/checkout.tsx"),
    route("orders", "routes/shop/orders.tsx"),
    route("orders/:number", "routes/shop/order.tsx"),
    // @routes:shop
    route("funds", "routes/shop/funds.tsx"),
    route("funds/statement", "routes/shop/funds-statement.tsx"),
    route("funds/report", "routes/shop/funds-report.tsx"),
    route("funds/proof/:reportId", "routes/shop/funds-proof.ts"),
    // @routes:funds-shop
    // @routes:pipeline-shop
    route("returns", "routes/shop/returns.tsx"),
    route("returns/new", "routes/shop/return-new.tsx"),
    route("returns/:number", "routes/shop/return.tsx"),
    route("returns/:number/photos/:position/:variant", "routes/shop/return-photo.ts"),
    // @routes:returns-shop
  ]),
  // The HTTP API (API.md): its own small router under app/api/.
  route("api/v1/*", "routes/api.ts"),
  // @routes:api
  // Benchmark-only routes (404 unless BENCH=1): scripts/bench.ts measures the ceilings with them.
  route("bench/ceiling", "routes/bench/ceiling.ts"),
  route("bench/ssr", "routes/bench/ssr.tsx"),
  // @routes:bench
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
