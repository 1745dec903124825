import type { RouterOutputs } from "@qrcoats/api";
import { Alert, applyApiError, Button, errorMessage, FormError, TextField, trpc } from "@qrcoats/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useParams } from "wouter";
import { SelectField } from "../components/fields";
import { Panel, QueryState } from "../components/panel";
import { PageTitle } from "../layout";
import { CopyInvitationLink } from "./invitation-link";
import { StatusBadge } from "./status";
import { VenueCheckboxes } from "./venue-checkboxes";

type Employee = RouterOutputs["employee"]["get"];

export function EmployeePage() {
  const { employeeId } = useParams<{ employeeId: string }>();
  const employee = useQuery(trpc.employee.get.queryOptions({ employeeId }));
  return (
    <section className="flex flex-col gap-6">
      <QueryState query={employee} what="the employee">
        {(data) => (
          <>
            <div className="flex flex-wrap items-center gap-3">
              <PageTitle>{data.name}</PageTitle>
              <StatusBadge status={data.status} />
            </div>
            <Panel title="Details">
              <EmployeeForm key={`${data.id}-${data.status}`} employee={data} />
            </Panel>
            <AccessPanel employee={data} />
            <Link
              href={`/performance?employee=${data.id}`}
              className="self-start font-semibold text-indigo-700 underline-offset-4 hover:underline"
            >
              See {data.name}’s performance
            </Link>
          </>
        )}
      </QueryState>
    </section>
  );
}

type EmployeeValues = { name: string; position: string; phone: string; role: "EMPLOYEE" | "ADMIN"; venueIds: string[] };

function EmployeeForm({ employee }: { employee: Employee }) {
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.employee.update.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.employee.get.queryKey({ employeeId: employee.id }), saved);
        return queryClient.invalidateQueries({ queryKey: trpc.employee.list.pathKey() });
      },
    }),
  );
  const form = useForm<EmployeeValues>({
    defaultValues: {
      name: employee.name,
      position: employee.position ?? "",
      phone: employee.phone ?? "",
      role: employee.role,
      venueIds: employee.venues.map((venue) => venue.id),
    },
  });
  const [saved, setSaved] = useState(false);
  const { errors } = form.formState;
  return (
    <form
      noValidate
      className="grid gap-4 sm:grid-cols-2"
      onSubmit={form.handleSubmit(async (values) => {
        setSaved(false);
        try {
          await update.mutateAsync({
            employeeId: employee.id,
            name: values.name,
            position: values.position.trim() || null,
            phone: values.phone.trim() || null,
            role: values.role,
            venueIds: values.venueIds,
          });
          setSaved(true);
        } catch (error) {
          applyApiError(form, error);
        }
      })}
    >
      <div className="sm:col-span-2">
        {saved && <Alert tone="success">Saved.</Alert>}
        <FormError form={form} />
      </div>
      <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
      <TextField label="Email" value={employee.email} readOnly hint="The person’s own sign-in address." />
      <TextField label="Position" error={errors.position?.message} {...form.register("position")} />
      <TextField label="Phone" type="tel" error={errors.phone?.message} {...form.register("phone")} />
      <SelectField label="Role" error={errors.role?.message} {...form.register("role")}>
        <option value="EMPLOYEE">Employee (attendant)</option>
        <option value="ADMIN">Admin</option>
      </SelectField>
      <VenueCheckboxes register={form.register} name="venueIds" error={errors.venueIds?.message} />
      <div className="sm:col-span-2">
        <Button type="submit" busy={form.formState.isSubmitting}>
          Save changes
        </Button>
      </div>
    </form>
  );
}

/** Deactivating signs the person out everywhere at once; reactivating lets them sign in again. */
function AccessPanel({ employee }: { employee: Employee }) {
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.employee.get.queryKey({ employeeId: employee.id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.employee.list.pathKey() }),
    ]);
  const deactivate = useMutation(trpc.employee.deactivate.mutationOptions({ onSuccess: refresh }));
  const reactivate = useMutation(trpc.employee.reactivate.mutationOptions({ onSuccess: refresh }));
  const resend = useMutation(trpc.employee.resendInvitation.mutationOptions());
  const failed = deactivate.error ?? reactivate.error ?? resend.error;
  return (
    <Panel title="Access">
      {failed && <Alert tone="error">{errorMessage(failed)}</Alert>}
      {resend.isSuccess && <Alert tone="success">A new invitation link was emailed to {employee.email}.</Alert>}
      <div className="flex flex-wrap gap-3">
        {employee.status === "DEACTIVATED" ? (
          <Button busy={reactivate.isPending} onClick={() => reactivate.mutate({ employeeId: employee.id })}>
            Reactivate
          </Button>
        ) : (
          <Button variant="danger" busy={deactivate.isPending} onClick={() => deactivate.mutate({ employeeId: employee.id })}>
            Deactivate and sign out everywhere
          </Button>
        )}
        {employee.status === "INVITED" && (
          <>
            <Button variant="secondary" busy={resend.isPending} onClick={() => resend.mutate({ employeeId: employee.id })}>
              Resend invitation
            </Button>
            <CopyInvitationLink employeeId={employee.id} name={employee.name} />
          </>
        )}
      </div>
    </Panel>
  );
}
