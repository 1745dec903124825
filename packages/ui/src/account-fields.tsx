import type { FieldValues, Path, UseFormReturn } from "react-hook-form";
import { TextField } from "./form";

type AccountFieldProps<T extends FieldValues> = { form: UseFormReturn<T>; name: Path<T>; label?: string };

/**
 * The email field of every account form: the email keyboard on phones, the autofill a password
 * manager expects ("username" where an existing account signs in), and one required message.
 */
export function EmailField<T extends FieldValues>({
  form,
  name,
  label = "Email",
  autoComplete = "email",
}: AccountFieldProps<T> & { autoComplete?: "email" | "username" }) {
  return (
    <TextField
      label={label}
      type="email"
      inputMode="email"
      autoComplete={autoComplete}
      error={form.getFieldState(name, form.formState).error?.message}
      {...form.register(name, { required: "Enter your email address." })}
    />
  );
}

/**
 * A password being chosen: "new-password" makes password managers offer a strong one and save
 * it; the hint states the API's minimum before the API has to refuse it.
 */
export function NewPasswordField<T extends FieldValues>({ form, name, label = "Password" }: AccountFieldProps<T>) {
  return (
    <TextField
      label={label}
      type="password"
      autoComplete="new-password"
      hint="At least 10 characters. A few unusual words make a strong one."
      error={form.getFieldState(name, form.formState).error?.message}
      {...form.register(name, { required: "Choose a password." })}
    />
  );
}
