import { lazy, Suspense, type ComponentType } from "react";
import { Route, Router, Switch } from "wouter";
import { RequireAdmin } from "./auth/require-admin";
import { DashboardPage } from "./dashboard-page";
import { Layout } from "./layout";

// The dashboard comes first; sign-in and sign-up (with the forms library), and each section
// (tables, forms, and the chart library for analytics) arrive when an admin opens them.
const named = <T extends Record<string, ComponentType>>(load: () => Promise<T>, name: keyof T) =>
  lazy(() => load().then((module) => ({ default: module[name]! })));
const SignInPage = named(() => import("./auth/sign-in-page"), "SignInPage");
const StartOrganizationPage = named(() => import("./auth/start-organization-page"), "StartOrganizationPage");
const VenuesPage = named(() => import("./venues/venues-page"), "VenuesPage");
const VenuePage = named(() => import("./venues/venue-page"), "VenuePage");
const LabelsPage = named(() => import("./venues/labels-page"), "LabelsPage");
const PosterPage = named(() => import("./venues/poster-page"), "PosterPage");
const EmployeesPage = named(() => import("./employees/employees-page"), "EmployeesPage");
const EmployeePage = named(() => import("./employees/employee-page"), "EmployeePage");
const TasksPage = named(() => import("./tasks/tasks-page"), "TasksPage");
const PerformancePage = named(() => import("./performance/performance-page"), "PerformancePage");
const TicketsPage = named(() => import("./tickets/tickets-page"), "TicketsPage");
const ScansPage = named(() => import("./tickets/scans-page"), "ScansPage");
const AnalyticsPage = named(() => import("./analytics/analytics-page"), "AnalyticsPage");
const MessagesPage = named(() => import("./messages/messages-page"), "MessagesPage");
const AuditPage = named(() => import("./audit/audit-page"), "AuditPage");

export function App() {
  return (
    <Router base="/admin">
      <Layout>
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Switch>
            <Route path="/signin" component={SignInPage} />
            <Route path="/signup" component={StartOrganizationPage} />
            <Route>
              <RequireAdmin>
                <Switch>
                  <Route path="/" component={DashboardPage} />
                  <Route path="/venues" component={VenuesPage} />
                  <Route path="/venues/:venueId" component={VenuePage} />
                  <Route path="/venues/:venueId/labels" component={LabelsPage} />
                  <Route path="/venues/:venueId/poster" component={PosterPage} />
                  <Route path="/employees" component={EmployeesPage} />
                  <Route path="/employees/:employeeId" component={EmployeePage} />
                  <Route path="/tasks" component={TasksPage} />
                  <Route path="/performance" component={PerformancePage} />
                  <Route path="/tickets" component={TicketsPage} />
                  <Route path="/scans" component={ScansPage} />
                  <Route path="/analytics" component={AnalyticsPage} />
                  <Route path="/messages" component={MessagesPage} />
                  <Route path="/audit" component={AuditPage} />
                  <Route>
                    <p>This page does not exist.</p>
                  </Route>
                </Switch>
              </RequireAdmin>
            </Route>
          </Switch>
        </Suspense>
      </Layout>
    </Router>
  );
}
