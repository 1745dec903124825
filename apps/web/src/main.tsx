import "./styles.css";
import { ApiProvider, finishPendingSignOut } from "@qrcoats/ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";

// A pickup board signs in with its link alone and has no counter, no session and nothing to
// show offline: it keeps clear of both below (and of a service worker serving it an old build).
const pickupBoard = window.location.pathname === "/board";

// A sign-out made offline reaches the server once the network is back, the counter's slots
// given back first (loaded only then: the first download stays the guest's ticket page).
if (!pickupBoard) finishPendingSignOut(async () => (await import("./counter/offline/sync-engine")).releasePendingDevice());

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiProvider>
      <App />
    </ApiProvider>
  </StrictMode>,
);

// After the first paint, so installing the offline copy never delays the ticket on screen.
if (import.meta.env.PROD && "serviceWorker" in navigator && !pickupBoard) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch((error: unknown) => console.warn("Offline mode is unavailable:", error));
  });
}
