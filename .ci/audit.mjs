// npm audit, failing on any high or critical advisory not excused in audit-exceptions.json.
// Every dependency is audited, dev ones included: they run here in CI and on developers'
// machines, with the source and the deploy secrets in reach, and vite's dev server listens
// on the network. An exception names the package and says why it cannot hurt us.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

const exceptions = JSON.parse(fs.readFileSync(new URL("./audit-exceptions.json", import.meta.url), "utf8"));
let report;
try {
  report = execFileSync("npm", ["audit", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
} catch (error) {
  // npm audit exits non-zero when it finds anything; its report is still on stdout.
  report = error.stdout;
}
const parsed = JSON.parse(report || "{}");

if (parsed.error || !parsed.vulnerabilities) {
  // Some registries and mirrors (this project's build machines among them) refuse the
  // advisory endpoint (HTTP 405). That is not a clean bill of health: say so loudly.
  console.log(`npm audit: NOT AUDITED: the registry gave no advisories (${parsed.message || parsed.error?.summary || "no report"}).`);
  process.exit(process.env.AUDIT_REQUIRED === "1" ? 1 : 0);
}

const serious = Object.values(parsed.vulnerabilities).filter((v) => v.severity === "high" || v.severity === "critical");
const excused = serious.filter((v) => exceptions[v.name]);
const unexcused = serious.filter((v) => !exceptions[v.name]);
for (const v of excused) console.log(`npm audit: ${v.severity} in ${v.name}, excused: ${exceptions[v.name]}`);
for (const v of unexcused)
  console.log(`npm audit: ${v.severity} in ${v.name} (${[v.range].join()}): fix it or excuse it in .ci/audit-exceptions.json`);
const counts = parsed.metadata?.vulnerabilities ?? {};
console.log(`npm audit: ${JSON.stringify(counts)}; ${unexcused.length} high or critical not excused.`);
process.exit(unexcused.length > 0 ? 1 : 0);
