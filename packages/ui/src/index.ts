export { ApiProvider, queryClient, trpc, trpcClient } from "./api";
export { Alert } from "./alert";
export { Button, type ButtonProps } from "./button";
export { errorCode, errorMessage, fieldErrors, isUnauthorized } from "./errors";
export { applyApiError, FormError, TextField, type TextFieldProps } from "./form";
export { HealthStatus } from "./health-status";
export { useSession, useSignOut } from "./session";
export { SignInForm } from "./sign-in-form";
