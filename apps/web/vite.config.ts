import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { bundleBudget } from "@qrcoats/ui/bundle-budget";
import { precompress } from "@qrcoats/ui/precompress";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// In development the host (npm run dev) serves the API on :3000; Vite proxies to it.
export default defineConfig({
  base: "/",
  plugins: [
    react(),
    tailwindcss(),
    // Guests open this on a club's mobile signal: the first screen must arrive fast.
    bundleBudget("web", { initialJsGzipKb: 150, cssGzipKb: 20 }),
    // Coat checks are in basements: the service worker keeps the whole app on the phone, so a
    // ticket shown once opens again with no signal (its data lives in localStorage).
    VitePWA({
      // Registered from main.tsx: the CSP allows no inline script.
      injectRegister: null,
      registerType: "autoUpdate",
      manifest: {
        name: "QRcoats",
        short_name: "QRcoats",
        description: "Your coat check ticket, on your phone.",
        start_url: "/",
        display: "standalone",
        background_color: "#f8fafc",
        theme_color: "#0f172a",
        icons: [{ src: "/favicon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,webmanifest}"],
        navigateFallback: "/index.html",
        // The admin panel is another app on this origin; the API and health are never cached.
        navigateFallbackDenylist: [/^\/admin/, /^\/trpc/, /^\/healthz/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
    // Brotli and gzip copies of every text file, sw.js included, for the host to send.
    precompress(),
  ],
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/trpc": "http://127.0.0.1:3000" },
  },
  build: {
    // The host serves dist/ to anyone: no maps of the source in it.
    sourcemap: false,
  },
});
