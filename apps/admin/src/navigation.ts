/** The panel's sections, in the header and on the dashboard. */
export const NAVIGATION = [
  { href: "/venues", label: "Venues", description: "Hours, prices, racks, live occupancy and slot labels." },
  { href: "/employees", label: "Employees", description: "Invite, edit, assign venues, deactivate." },
  { href: "/tasks", label: "Tasks", description: "Create, assign and follow; overdue ones stand out." },
  { href: "/performance", label: "Performance", description: "Leaderboard and each employee's figures, as CSV too." },
  { href: "/tickets", label: "Tickets", description: "Every ticket, its history, and lost-ticket lookup." },
  { href: "/scans", label: "Scans", description: "Every scan at the counters, refusals and their reasons." },
  { href: "/analytics", label: "Analytics", description: "Per venue and period: flow, occupancy, stays, revenue." },
  { href: "/messages", label: "Messages", description: "Invitations, resets and notices: sent, waiting, failed; retry." },
  { href: "/audit", label: "Audit log", description: "Sign-ins and security events of your people." },
] as const;
