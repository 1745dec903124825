import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { bundleBudget } from "@qrcoats/ui/bundle-budget";
import { defineConfig } from "vite";

// In development the host (npm run dev) serves the API on :3000; Vite proxies to it.
export default defineConfig({
  base: "/",
  // Guests open this on a club's mobile signal: the first screen must arrive fast.
  plugins: [react(), tailwindcss(), bundleBudget("web", { initialJsGzipKb: 150, cssGzipKb: 20 })],
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/trpc": "http://127.0.0.1:3000" },
  },
  build: {
    sourcemap: true,
  },
});
