import { Alert, Button, FormError, NewPasswordField, applyApiError, errorCode, errorMessage, trpc } from "@qrcoats/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { useLocation, useSearch } from "wouter";
import { dayTime } from "../format";
import { PageTitle } from "../layout";

/** An employee's emailed link: whose invitation it is, then a password, and they are in. */
export function AcceptInvitationPage() {
  const token = new URLSearchParams(useSearch()).get("token") ?? "";
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const invitation = useQuery({ ...trpc.employee.invitation.queryOptions({ token }), enabled: token !== "" });
  // The token rides along as a form value so that its refusal lands on the form like any field's.
  const form = useForm<{ token: string; password: string }>({ defaultValues: { token, password: "" } });
  const accept = useMutation(
    trpc.employee.acceptInvitation.mutationOptions({
      onSuccess: (me) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), me);
        navigate("/counter");
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  const { errors } = form.formState;

  if (!token || invitation.isError) {
    return (
      <section>
        <PageTitle>Invitation</PageTitle>
        <Alert tone="error">
          {!token || errorCode(invitation.error) === "NOT_FOUND"
            ? "This invitation link is not valid any more. Ask your manager to send a new one."
            : errorMessage(invitation.error)}
        </Alert>
      </section>
    );
  }
  if (invitation.isPending) return <p role="status">Opening your invitation…</p>;

  const { name, email, organizationName, expiresAt } = invitation.data;
  return (
    <section>
      <PageTitle>Join {organizationName}</PageTitle>
      <p className="mb-4 text-slate-800">
        Hello {name}. Choose a password for <strong>{email}</strong> to start working at the coat check. This link works until{" "}
        {dayTime(expiresAt)}. Already have a QRcoats account with this address? Enter its own password instead.
      </p>
      <form noValidate className="flex flex-col gap-4" onSubmit={form.handleSubmit((values) => accept.mutate(values))}>
        <FormError form={form} />
        {errors.token?.message && <Alert tone="error">{errors.token.message}</Alert>}
        <input type="hidden" autoComplete="username" value={email} readOnly />
        <NewPasswordField form={form} name="password" label="Choose a password" />
        <Button type="submit" size="lg" busy={accept.isPending}>
          Join and sign in
        </Button>
      </form>
    </section>
  );
}
