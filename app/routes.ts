import { index, type RouteConfig, route } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("login", "routes/auth/login.tsx"),
  route("logout", "routes/auth/logout.tsx"),
  route("set-language", "routes/set-language.ts"),
  route("healthz", "routes/healthz.ts"),
  route("readyz", "routes/readyz.ts"),
  // @routes:images
  // The console (管理后台): staff only.
  route("admin", "routes/admin/layout.tsx", [
    index("routes/admin/dashboard.tsx"),
    route("customers", "routes/admin/customers.tsx"),
    // @routes:customers
    // @routes:products
    // @routes:stock
    // @routes:imports
    route("orders/new", "routes/admin/order-new.tsx"),
    // @routes:admin-orders
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
  ]),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
