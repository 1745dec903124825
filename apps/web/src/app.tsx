import { Route, Switch } from "wouter";
import { ForgotPasswordPage, ResetPasswordPage } from "./auth/password-reset-pages";
import { SignInPage } from "./auth/sign-in-page";
import { SignUpPage } from "./auth/sign-up-page";
import { HomePage } from "./home-page";
import { Layout } from "./layout";

export function App() {
  return (
    <Layout>
      <Switch>
        <Route path="/" component={HomePage} />
        <Route path="/signin" component={SignInPage} />
        <Route path="/signup" component={SignUpPage} />
        <Route path="/forgot-password" component={ForgotPasswordPage} />
        <Route path="/reset-password" component={ResetPasswordPage} />
        <Route>
          <p>This page does not exist.</p>
        </Route>
      </Switch>
    </Layout>
  );
}
