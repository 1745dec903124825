import type { RouterOutputs } from "@qrcoats/api";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { trpc } from "./api";
import { forgetPendingSignOut } from "./session";
import { Button } from "./button";
import { EmailField } from "./account-fields";
import { applyApiError, FormError, TextField } from "./form";

type Credentials = { email: string; password: string };

/** Email and password to a cookie session, for both apps. */
export function SignInForm({ onSignedIn }: { onSignedIn: (me: RouterOutputs["auth"]["login"]) => void }) {
  const queryClient = useQueryClient();
  const form = useForm<Credentials>({ defaultValues: { email: "", password: "" } });
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (me) => {
        forgetPendingSignOut();
        queryClient.setQueryData(trpc.auth.me.queryKey(), me);
        onSignedIn(me);
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  const { errors } = form.formState;
  return (
    <form noValidate className="flex flex-col gap-4" onSubmit={form.handleSubmit((values) => login.mutate(values))}>
      <FormError form={form} />
      <EmailField form={form} name="email" autoComplete="username" />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        error={errors.password?.message}
        {...form.register("password", { required: "Enter your password." })}
      />
      <Button type="submit" size="lg" busy={login.isPending}>
        Sign in
      </Button>
    </form>
  );
}
