import { applyApiError, Button, EmailField, FormError, NewPasswordField, TextField, trpc } from "@qrcoats/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { Link, useLocation, useSearch } from "wouter";
import { PageTitle } from "../layout";
import { claimSavedTickets } from "../tickets/claim-saved-tickets";

type SignUp = { name: string; email: string; password: string };

export function SignUpPage() {
  const [, navigate] = useLocation();
  const next = new URLSearchParams(useSearch()).get("next");
  const queryClient = useQueryClient();
  const form = useForm<SignUp>({ defaultValues: { name: "", email: "", password: "" } });
  const register = useMutation(
    trpc.auth.register.mutationOptions({
      onSuccess: (me) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), me);
        void claimSavedTickets();
        navigate(next?.startsWith("/") ? next : "/");
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  const { errors } = form.formState;
  return (
    <section>
      <PageTitle>Create your account</PageTitle>
      <form noValidate className="flex flex-col gap-4" onSubmit={form.handleSubmit((values) => register.mutate(values))}>
        <FormError form={form} />
        <TextField
          label="Your name"
          autoComplete="name"
          error={errors.name?.message}
          {...form.register("name", { required: "Enter your name." })}
        />
        <EmailField form={form} name="email" />
        <NewPasswordField form={form} name="password" />
        <Button type="submit" size="lg" busy={register.isPending}>
          Create account
        </Button>
      </form>
      <p className="mt-6 text-sm text-slate-700">
        Already have an account?{" "}
        <Link
          href={next ? `/signin?next=${encodeURIComponent(next)}` : "/signin"}
          className="font-semibold text-indigo-700 underline-offset-4 hover:underline"
        >
          Sign in
        </Link>
      </p>
    </section>
  );
}
