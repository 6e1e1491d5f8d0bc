import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  // BUILD_DIR lets a test run build and serve a copy of its own beside a running server.
  buildDirectory: process.env.BUILD_DIR ?? "build",
  // React Router 8 behaviour now, so the upgrade is not a rewrite.
  future: {
    // Middleware loads the signed-in account once per request for every loader and action.
    v8_middleware: true,
    v8_passThroughRequests: true,
    v8_splitRouteModules: true,
    v8_trailingSlashAwareDataRequests: true,
    v8_viteEnvironmentApi: true,
  },
} satisfies Config;
