import { clsx } from "clsx";
import { useId, type InputHTMLAttributes, type ReactNode } from "react";
import type { FieldValues, Path, UseFormReturn } from "react-hook-form";
import { Alert } from "./alert";
import { errorMessage, fieldErrors } from "./errors";

export type FieldFrameProps = { label: string; error?: string; hint?: ReactNode; className?: string };

/**
 * A label, a hint and an error tied to whatever control `children` renders, for screen
 * readers: the control takes `id` and `describedBy`.
 */
export function FieldFrame({
  label,
  error,
  hint,
  className,
  children,
}: FieldFrameProps & { children: (ids: { id: string; describedBy?: string }) => ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={clsx("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({ id, describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined })}
      {hint && (
        <p id={hintId} className="text-sm text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & FieldFrameProps;

/** A labelled input whose error and hint are tied to it for screen readers. */
export function TextField({ label, error, hint, className, ...input }: TextFieldProps) {
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy }) => (
        <input
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className="min-h-11 rounded-lg border border-slate-300 bg-white px-3 text-base text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-600 focus:ring-2 focus:ring-indigo-600/30 focus:outline-none aria-invalid:border-red-500"
          {...input}
        />
      )}
    </FieldFrame>
  );
}

/**
 * Puts an API refusal onto the form: the field errors beside their fields, anything else as
 * the form's own error (shown by FormError). `fieldNames` maps an input's field name to the
 * form's where they differ.
 */
export function applyApiError<T extends FieldValues>(
  form: UseFormReturn<T>,
  error: unknown,
  fieldNames: Record<string, Path<T>> = {},
): void {
  const fields = Object.entries(fieldErrors(error)).filter(([, messages]) => messages?.length);
  for (const [field, messages] of fields) {
    form.setError(fieldNames[field] ?? (field as Path<T>), { type: "server", message: messages![0] });
  }
  if (fields.length === 0) form.setError("root.server", { type: "server", message: errorMessage(error) });
}

export function FormError<T extends FieldValues>({ form }: { form: UseFormReturn<T> }) {
  const message = form.formState.errors.root?.server?.message;
  return message ? <Alert tone="error">{message}</Alert> : null;
}
