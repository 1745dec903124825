import { Route, Router, Switch } from "wouter";
import { RequireAdmin } from "./auth/require-admin";
import { SignInPage } from "./auth/sign-in-page";
import { StartOrganizationPage } from "./auth/start-organization-page";
import { DashboardPage } from "./dashboard-page";
import { Layout } from "./layout";

export function App() {
  return (
    <Router base="/admin">
      <Layout>
        <Switch>
          <Route path="/signin" component={SignInPage} />
          <Route path="/signup" component={StartOrganizationPage} />
          <Route>
            <RequireAdmin>
              <Switch>
                <Route path="/" component={DashboardPage} />
                <Route>
                  <p>This page does not exist.</p>
                </Route>
              </Switch>
            </RequireAdmin>
          </Route>
        </Switch>
      </Layout>
    </Router>
  );
}
