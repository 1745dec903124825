import { Alert, applyApiError, Button, EmailField, FormError, NewPasswordField, trpc } from "@qrcoats/ui";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { Link, useSearch } from "wouter";
import { PageTitle } from "../layout";

export function ForgotPasswordPage() {
  const form = useForm<{ email: string }>({ defaultValues: { email: "" } });
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions({ onError: (error) => applyApiError(form, error) }));
  return (
    <section>
      <PageTitle>Forgot your password?</PageTitle>
      {request.isSuccess ? (
        <Alert tone="success">{request.data.message}</Alert>
      ) : (
        <form noValidate className="flex flex-col gap-4" onSubmit={form.handleSubmit((values) => request.mutate(values))}>
          <p className="text-slate-700">Tell us your email and we will send you a link to choose a new one.</p>
          <FormError form={form} />
          <EmailField form={form} name="email" />
          <Button type="submit" size="lg" busy={request.isPending}>
            Send the link
          </Button>
        </form>
      )}
    </section>
  );
}

export function ResetPasswordPage() {
  const token = new URLSearchParams(useSearch()).get("token") ?? "";
  // The token rides along as a form value so that its refusal lands on the form like any field's.
  const form = useForm<{ token: string; password: string }>({ defaultValues: { token, password: "" } });
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions({ onError: (error) => applyApiError(form, error) }));
  const { errors } = form.formState;
  return (
    <section>
      <PageTitle>Choose a new password</PageTitle>
      {reset.isSuccess ? (
        <Alert tone="success">
          Your password is changed and you are signed out everywhere.{" "}
          <Link href="/signin" className="font-semibold underline">
            Sign in
          </Link>
        </Alert>
      ) : (
        <form noValidate className="flex flex-col gap-4" onSubmit={form.handleSubmit((values) => reset.mutate(values))}>
          <FormError form={form} />
          {errors.token?.message && (
            <Alert tone="error">
              {errors.token.message}{" "}
              <Link href="/forgot-password" className="font-semibold underline">
                Ask for a new link
              </Link>
            </Alert>
          )}
          <NewPasswordField form={form} name="password" label="New password" />
          <Button type="submit" size="lg" busy={reset.isPending}>
            Save the new password
          </Button>
        </form>
      )}
    </section>
  );
}
