import { reactRouter } from "@react-router/dev/vite";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [tailwindcss(), reactRouter()],
  // Native modules stay outside the server bundle.
  ssr: { external: ["better-sqlite3", "pg", "@node-rs/argon2", "pino", "sharp", "exceljs"] },
});
