import { applyApiError, Button, EmailField, FormError, NewPasswordField, TextField, trpc, useSession } from "@qrcoats/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { Link, useLocation } from "wouter";
import { PageTitle } from "../layout";

type NewOrganization = { organizationName: string; name: string; email: string; password: string };

/**
 * Whoever signs up to run a venue creates an organization and becomes its first admin.
 * A signed-in guest only names the organization; anyone else creates their account too.
 */
export function StartOrganizationPage() {
  const { me } = useSession();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const form = useForm<NewOrganization>({ defaultValues: { organizationName: "", name: "", email: "", password: "" } });
  const register = useMutation(trpc.auth.register.mutationOptions());
  const createOrganization = useMutation(trpc.org.create.mutationOptions());
  const needsAccount = !me;

  async function submit(values: NewOrganization) {
    let step: "account" | "organization" = "account";
    try {
      if (needsAccount) {
        const me = await register.mutateAsync({ name: values.name, email: values.email, password: values.password });
        // Signed in from here on: a retry after a refused organization name only names it.
        queryClient.setQueryData(trpc.auth.me.queryKey(), me);
      }
      step = "organization";
      await createOrganization.mutateAsync({ name: values.organizationName });
      await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      navigate("/");
    } catch (error) {
      // org.create's "name" is, on this form, the organization's name.
      applyApiError(form, error, step === "organization" ? { name: "organizationName" } : {});
    }
  }

  const { errors } = form.formState;
  return (
    <section className="mx-auto max-w-md">
      <PageTitle>Start your organization</PageTitle>
      <p className="mb-4 text-slate-700">You become its first admin: add venues, racks and staff next.</p>
      {me?.membership ? (
        <p className="text-slate-700">
          You already belong to {me.membership.organization.name}. <Link href="/">Go to the panel</Link>
        </p>
      ) : (
        <form noValidate className="flex flex-col gap-4" onSubmit={form.handleSubmit(submit)}>
          <FormError form={form} />
          <TextField
            label="Organization name"
            hint="Your company or club, as your staff know it."
            error={errors.organizationName?.message}
            {...form.register("organizationName", { required: "Name your organization." })}
          />
          {needsAccount && (
            <>
              <TextField
                label="Your name"
                autoComplete="name"
                error={errors.name?.message}
                {...form.register("name", { required: "Enter your name." })}
              />
              <EmailField form={form} name="email" />
              <NewPasswordField form={form} name="password" />
            </>
          )}
          <Button type="submit" size="lg" busy={form.formState.isSubmitting}>
            Create organization
          </Button>
          <p className="text-sm text-slate-700">
            Already have an account?{" "}
            <Link href="/signin" className="font-semibold text-indigo-700">
              Sign in
            </Link>
          </p>
        </form>
      )}
    </section>
  );
}
