import { runCounter } from "./counter";

// QRCOATS_URL=http://localhost:3000/trpc QRCOATS_EMAIL=cleo@demo.qrcoats.example \
// QRCOATS_PASSWORD="velvet rope coat check" npm start
const { QRCOATS_URL = "http://localhost:3000/trpc", QRCOATS_EMAIL, QRCOATS_PASSWORD } = process.env;
if (!QRCOATS_EMAIL || !QRCOATS_PASSWORD) {
  console.error("Set QRCOATS_EMAIL and QRCOATS_PASSWORD (an attendant or admin), and QRCOATS_URL.");
  process.exit(2);
}
await runCounter({ url: QRCOATS_URL, email: QRCOATS_EMAIL, password: QRCOATS_PASSWORD });
