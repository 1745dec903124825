import { useSession } from "@qrcoats/ui";
import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { Redirect, Route, Switch, useLocation } from "wouter";
import { SignInPage } from "./auth/sign-in-page";
import { SignUpPage } from "./auth/sign-up-page";
import { VenuePickerPage } from "./guest/venue-picker-page";
import { HomePage } from "./home-page";
import { Layout } from "./layout";
import { MyTicketsPage } from "./tickets/my-tickets-page";
import { TicketPage } from "./tickets/ticket-page";

// A guest's first visit downloads the guest side only; the counter, tasks and rarer pages
// come when someone opens them (and the service worker keeps them all for offline use).
const named = <T extends Record<string, ComponentType>>(load: () => Promise<T>, name: keyof T) =>
  lazy(() => load().then((module) => ({ default: module[name]! })));
const CounterPage = named(() => import("./counter/counter-page"), "CounterPage");
const WalkInPage = named(() => import("./counter/walk-in-page"), "WalkInPage");
const LookupPage = named(() => import("./counter/lookup-page"), "LookupPage");
const TasksPage = named(() => import("./tasks/tasks-page"), "TasksPage");
const AcceptInvitationPage = named(() => import("./auth/accept-invitation-page"), "AcceptInvitationPage");
const ForgotPasswordPage = named(() => import("./auth/password-reset-pages"), "ForgotPasswordPage");
const ResetPasswordPage = named(() => import("./auth/password-reset-pages"), "ResetPasswordPage");

export function App() {
  return (
    <Layout>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <Switch>
          <Route path="/" component={HomePage} />
          <Route path="/signin" component={SignInPage} />
          <Route path="/signup" component={SignUpPage} />
          <Route path="/forgot-password" component={ForgotPasswordPage} />
          <Route path="/reset-password" component={ResetPasswordPage} />
          <Route path="/accept-invitation" component={AcceptInvitationPage} />
          <Route path="/venues" component={VenuePickerPage} />
          <Route path="/tickets" component={MyTicketsPage} />
          <Route path="/t/:code" component={TicketPage} />
          <Route path="/counter">
            <StaffOnly>
              <CounterPage />
            </StaffOnly>
          </Route>
          <Route path="/counter/walk-in">
            <StaffOnly>
              <WalkInPage />
            </StaffOnly>
          </Route>
          <Route path="/counter/lookup">
            <StaffOnly>
              <LookupPage />
            </StaffOnly>
          </Route>
          <Route path="/tasks">
            <StaffOnly>
              <TasksPage />
            </StaffOnly>
          </Route>
          <Route>
            <p>This page does not exist.</p>
          </Route>
        </Switch>
      </Suspense>
    </Layout>
  );
}

/** Staff pages: signed out goes to sign-in and comes back; guests are told why not. */
function StaffOnly({ children }: { children: ReactNode }) {
  const { me, isPending } = useSession();
  const [location] = useLocation();
  if (isPending) return <p role="status">Loading…</p>;
  if (!me) return <Redirect to={`/signin?next=${encodeURIComponent(location)}`} />;
  if (!me.membership)
    return <p className="text-slate-800">This part of QRcoats is for coat-check staff. Your manager sends you an invitation to join.</p>;
  return children;
}
