import type { AppRouter } from "@qrcoats/api";
import { TRPCClientError } from "@trpc/client";

type ApiError = TRPCClientError<AppRouter>;

function asApiError(error: unknown): ApiError | null {
  return error instanceof TRPCClientError ? (error as ApiError) : null;
}

/** What to tell a person when a call fails: the API's own words, or a plain fallback. */
export function errorMessage(error: unknown): string {
  const apiError = asApiError(error);
  if (!apiError) return "Something went wrong. Try again.";
  if (!apiError.data) return "The server cannot be reached. Check the connection and try again.";
  // Bad input's own message is zod's list of issues as JSON: its sentences are in the field errors.
  const zodError = apiError.data.zodError;
  if (zodError) {
    const sentence = [...zodError.formErrors, ...Object.values(zodError.fieldErrors).flat()].find((words) => typeof words === "string");
    if (typeof sentence === "string" && sentence) return sentence;
  }
  return apiError.message;
}

export function errorCode(error: unknown): string | undefined {
  return asApiError(error)?.data?.code;
}

/** Per-field messages from the API's input validation (zod), for forms to show inline. */
export function fieldErrors(error: unknown): Record<string, string[] | undefined> {
  return asApiError(error)?.data?.zodError?.fieldErrors ?? {};
}

export const isUnauthorized = (error: unknown) => errorCode(error) === "UNAUTHORIZED";
