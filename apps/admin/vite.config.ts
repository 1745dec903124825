import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { bundleBudget } from "@qrcoats/ui/bundle-budget";
import { precompress } from "@qrcoats/ui/precompress";
import { defineConfig } from "vite";

// In development the host (npm run dev) serves the API on :3000; Vite proxies to it.
export default defineConfig({
  base: "/admin/",
  // Staff on office connections, but charts and tables add up: keep the first screen lean.
  plugins: [react(), tailwindcss(), bundleBudget("admin", { initialJsGzipKb: 250, cssGzipKb: 30 }), precompress()],
  server: {
    port: 5174,
    strictPort: true,
    proxy: { "/trpc": "http://127.0.0.1:3000" },
  },
  build: {
    // The host serves dist/ to anyone: no maps of the source in it.
    sourcemap: false,
  },
});
