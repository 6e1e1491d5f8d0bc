import { defineConfig } from "vitest/config";

// The React Router plugin is not loaded here: unit and integration tests import modules
// directly, and the e2e suite drives the built server.
// CI collects a JSON report per run (project and database) to print one closing count.
const reportDir = process.env.CI_REPORT_DIR;
const reportName = `${process.env.npm_lifecycle_event ?? "vitest"}-${process.env.DB_KIND ?? "sqlite"}`;

export default defineConfig({
  test: {
    reporters: reportDir ? ["default", ["json", { outputFile: `${reportDir}/${reportName}.json` }]] : ["default"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          setupFiles: ["tests/support/fail-on-console-error.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          setupFiles: ["tests/support/fail-on-console-error.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
