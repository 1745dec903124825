import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { Redirect, Route, Switch, useLocation } from "wouter";
import { prefetchCounterVenue } from "./counter/use-counter-venue";
import { Layout } from "./layout";
import { useStaffSession } from "./staff-session";
import { TicketPage } from "./tickets/ticket-page";

// The first download holds the ticket page only, the screen a phone camera opens in the
// queue: every other page, the forms library with the sign-in and sign-up forms, the counter
// and its scanner come when someone opens them (and the service worker keeps them all for
// offline use). bench/RESULTS.md has the Lighthouse figures.
const named = <T extends Record<string, ComponentType>>(load: () => Promise<T>, name: keyof T) =>
  lazy(() => load().then((module) => ({ default: module[name]! })));
const HomePage = named(() => import("./home-page"), "HomePage");
const SignInPage = named(() => import("./auth/sign-in-page"), "SignInPage");
const SignUpPage = named(() => import("./auth/sign-up-page"), "SignUpPage");
const VenuePickerPage = named(() => import("./guest/venue-picker-page"), "VenuePickerPage");
const GuestLinkPage = named(() => import("./guest/guest-link-page"), "GuestLinkPage");
const MyTicketsPage = named(() => import("./tickets/my-tickets-page"), "MyTicketsPage");

const loadCounter = () => import("./counter/counter-page");
const CounterPage = named(loadCounter, "CounterPage");
const WalkInPage = named(() => import("./counter/walk-in-page"), "WalkInPage");
const LookupPage = named(() => import("./counter/lookup-page"), "LookupPage");
const BoardPage = named(() => import("./board/board-page"), "BoardPage");
const TasksPage = named(() => import("./tasks/tasks-page"), "TasksPage");
const AcceptInvitationPage = named(() => import("./auth/accept-invitation-page"), "AcceptInvitationPage");
const ForgotPasswordPage = named(() => import("./auth/password-reset-pages"), "ForgotPasswordPage");
const ResetPasswordPage = named(() => import("./auth/password-reset-pages"), "ResetPasswordPage");

// A staff page renders (and so asks for its code) only once the session is known. Opened on
// the counter, the app asks for the counter's code and its first reads right away, beside
// the session check rather than two round trips after it (Lighthouse, bench/RESULTS.md).
if (window.location.pathname === "/counter") {
  void loadCounter();
  prefetchCounterVenue();
}

export function App() {
  const [location] = useLocation();
  // The pickup board is a screen of its own: no header, no session, nothing to sign in to.
  if (location === "/board") {
    return (
      <Suspense fallback={null}>
        <BoardPage />
      </Suspense>
    );
  }
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
          <Route path="/v/:link" component={GuestLinkPage} />
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

/**
 * Staff pages: signed out goes to sign-in and comes back; guests are told why not. With no
 * network, an attendant whose counter device this browser holds stays at work as that person.
 */
function StaffOnly({ children }: { children: ReactNode }) {
  const { me, isPending, unreachable } = useStaffSession();
  const [location] = useLocation();
  if (isPending) return <p role="status">Loading…</p>;
  if (!me && unreachable)
    return <p className="text-slate-800">No network: this page needs one, or a counter this device has opened before.</p>;
  if (!me) return <Redirect to={`/signin?next=${encodeURIComponent(location)}`} />;
  if (!me.membership)
    return <p className="text-slate-800">This part of QRcoats is for coat-check staff. Your manager sends you an invitation to join.</p>;
  return children;
}
