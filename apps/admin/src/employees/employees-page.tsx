import type { RouterOutputs } from "@qrcoats/api";
import { Alert, applyApiError, Button, FormError, TextField, trpc } from "@qrcoats/ui";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useForm } from "react-hook-form";
import { Link } from "wouter";
import { columnHelper, DataTable, MorePages } from "../components/data-table";
import { SelectField } from "../components/fields";
import { Panel, QueryState } from "../components/panel";
import { isOneOf, useUrlFilters } from "../components/url-filters";
import { VenueSelect } from "../components/venue-select";
import { PageTitle } from "../layout";
import { DeliveryNotice } from "../messages/delivery-notice";
import { CopyInvitationLink } from "./invitation-link";
import { STATUS_LABELS, StatusBadge } from "./status";
import { VenueCheckboxes } from "./venue-checkboxes";

type Employee = RouterOutputs["employee"]["list"]["items"][number];

const column = columnHelper<Employee>();
const columns = column.columns([
  column.accessor("name", {
    header: "Name",
    cell: (info) => (
      <Link href={`/employees/${info.row.original.id}`} className="font-semibold text-indigo-700 underline-offset-4 hover:underline">
        {info.getValue()}
      </Link>
    ),
  }),
  column.accessor("email", { header: "Email" }),
  column.accessor("role", { header: "Role", cell: (info) => (info.getValue() === "ADMIN" ? "Admin" : "Employee") }),
  column.accessor("status", { header: "Status", cell: (info) => <StatusBadge status={info.getValue()} /> }),
  column.accessor("position", { header: "Position", cell: (info) => info.getValue() ?? "—" }),
  column.accessor((employee) => employee.venues.map((venue) => venue.name).join(", ") || "—", { id: "venues", header: "Venues" }),
]);

export function EmployeesPage() {
  const [filters, setFilters] = useUrlFilters({ search: "", status: "", venue: "" });
  const { search, venue: venueId } = filters;
  const status = isOneOf(filters.status, STATUS_LABELS) ? filters.status : "";
  const term = useDeferredValue(search.trim());
  const employees = useInfiniteQuery(
    trpc.employee.list.infiniteQueryOptions(
      { search: term || undefined, status: status || undefined, venueId: venueId || undefined, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <section className="flex flex-col gap-6">
      <PageTitle>Employees</PageTitle>
      <Panel>
        <div role="search" className="grid gap-3 sm:grid-cols-3">
          <TextField
            label="Search"
            type="search"
            placeholder="Name, email or phone's last digits"
            value={search}
            onChange={(event) => setFilters({ search: event.target.value })}
          />
          <SelectField label="Status" value={status} onChange={(event) => setFilters({ status: event.target.value })}>
            <option value="">Any status</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <VenueSelect value={venueId} onChange={(venue) => setFilters({ venue })} />
        </div>
        <QueryState
          query={employees}
          what="employees"
          isEmpty={(data) => data.pages[0]!.items.length === 0}
          empty={term || status || venueId ? "Nobody matches these filters." : "Nobody yet: invite your first employee below."}
        >
          {(data) => (
            <DataTable columns={columns} data={data.pages.flatMap((page) => page.items)} caption="Employees" testId="employees-table" />
          )}
        </QueryState>
        <MorePages query={employees} />
      </Panel>
      <InviteForm />
    </section>
  );
}

type Invite = { name: string; email: string; role: "EMPLOYEE" | "ADMIN"; position: string; phone: string; venueIds: string[] };

function InviteForm() {
  const queryClient = useQueryClient();
  const invite = useMutation(
    trpc.employee.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.employee.list.pathKey() }) }),
  );
  const form = useForm<Invite>({ defaultValues: { name: "", email: "", role: "EMPLOYEE", position: "", phone: "", venueIds: [] } });
  const [invited, setInvited] = useState<{ employeeId: string; name: string } | null>(null);
  const delivery = useQuery(trpc.messages.delivery.queryOptions());
  const { errors } = form.formState;
  return (
    <Panel title="Invite an employee">
      <DeliveryNotice quietWhenSending />
      <form
        noValidate
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={form.handleSubmit(async (values) => {
          setInvited(null);
          try {
            const { employee } = await invite.mutateAsync({
              name: values.name,
              email: values.email,
              role: values.role,
              position: values.position.trim() || undefined,
              phone: values.phone.trim() || undefined,
              venueIds: values.venueIds,
            });
            setInvited({ employeeId: employee.id, name: employee.name });
            form.reset();
          } catch (error) {
            applyApiError(form, error);
          }
        })}
      >
        <div className="sm:col-span-2">
          {invited && (
            <div className="flex flex-col gap-2">
              <Alert tone="success">
                {delivery.data?.email === "none"
                  ? `${invited.name} was invited. This host sends no email: copy their link and send it to them yourself.`
                  : `${invited.name} was invited: an email with a link to set their password is on its way. Messages shows when it left.`}
              </Alert>
              <CopyInvitationLink employeeId={invited.employeeId} name={invited.name} />
            </div>
          )}
          <FormError form={form} />
        </div>
        <TextField label="Name" autoComplete="off" error={errors.name?.message} {...form.register("name", { required: "Enter a name." })} />
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          error={errors.email?.message}
          {...form.register("email", { required: "Enter their email address." })}
        />
        <TextField
          label="Position"
          hint="Optional: cloakroom lead, runner…"
          error={errors.position?.message}
          {...form.register("position")}
        />
        <TextField label="Phone" type="tel" hint="Optional; stored encrypted." error={errors.phone?.message} {...form.register("phone")} />
        <SelectField label="Role" error={errors.role?.message} {...form.register("role")}>
          <option value="EMPLOYEE">Employee (attendant)</option>
          <option value="ADMIN">Admin</option>
        </SelectField>
        <VenueCheckboxes register={form.register} name="venueIds" error={errors.venueIds?.message} />
        <div className="sm:col-span-2">
          <Button type="submit" busy={form.formState.isSubmitting}>
            Send invitation
          </Button>
        </div>
      </form>
    </Panel>
  );
}
