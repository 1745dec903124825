import "./styles.css";
import { ApiProvider, finishPendingSignOut } from "@qrcoats/ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";

// A sign-out made offline reaches the server once the network is back, the counter's slots
// given back first (loaded only then: the first download stays the guest's ticket page).
finishPendingSignOut(async () => (await import("./counter/offline/sync-engine")).releasePendingDevice());

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiProvider>
      <App />
    </ApiProvider>
  </StrictMode>,
);

// After the first paint, so installing the offline copy never delays the ticket on screen.
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch((error: unknown) => console.warn("Offline mode is unavailable:", error));
  });
}
