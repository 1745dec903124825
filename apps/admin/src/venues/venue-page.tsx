import type { RouterOutputs } from "@qrcoats/api";
import { Alert, applyApiError, Button, FormError, TextField, trpc } from "@qrcoats/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { clsx } from "clsx";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useParams } from "wouter";
import { SelectField } from "../components/fields";
import { Panel, QueryState } from "../components/panel";
import { PageTitle } from "../layout";
import { PickupBoardsPanel } from "./pickup-boards";
import { PosterLinkPanel } from "./poster-link";
import { VenueForm } from "./venue-form";

type Racks = RouterOutputs["rack"]["list"];
type Rack = Racks["racks"][number];

export function VenuePage() {
  const { venueId } = useParams<{ venueId: string }>();
  const queryClient = useQueryClient();
  const venue = useQuery(trpc.venue.get.queryOptions({ venueId, scope: "organization" }));
  const update = useMutation(
    trpc.venue.update.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.venue.get.queryKey({ venueId, scope: "organization" }), saved);
        return queryClient.invalidateQueries({ queryKey: trpc.venue.list.pathKey() });
      },
    }),
  );
  const [saved, setSaved] = useState(false);
  return (
    <section className="flex flex-col gap-6">
      <QueryState query={venue} what="the venue">
        {(data) =>
          data.view !== "organization" ? (
            <Alert tone="error">This venue belongs to another organization.</Alert>
          ) : (
            <>
              <PageTitle>{data.name}</PageTitle>
              <Panel title="Settings">
                {saved && <Alert tone="success">Saved.</Alert>}
                <VenueForm
                  key={data.updatedAt.toISOString()}
                  venue={data}
                  submitLabel="Save changes"
                  onSubmit={async (settings) => {
                    setSaved(false);
                    await update.mutateAsync({ venueId, ...settings });
                    setSaved(true);
                  }}
                />
              </Panel>
              <PosterLinkPanel venueId={venueId} />
              <RacksPanel venueId={venueId} />
              <PickupBoardsPanel venueId={venueId} />
            </>
          )
        }
      </QueryState>
    </section>
  );
}

/** Racks and their slots, live: occupancy moves with every check-in and check-out at the venue. */
function RacksPanel({ venueId }: { venueId: string }) {
  const listed = useQuery(trpc.rack.list.queryOptions({ venueId }));
  const live = useSubscription(trpc.rack.occupancy.subscriptionOptions({ venueId }));
  const racks = { ...listed, data: live.data ?? listed.data, isPending: listed.isPending && !live.data };
  return (
    <Panel
      title="Racks and slots"
      actions={
        <div className="flex items-center gap-3">
          <span className="text-sm text-slate-700" data-testid="live-status">
            {live.status === "pending" ? (
              <>
                <span aria-hidden className="text-emerald-600">
                  ●
                </span>{" "}
                Live
              </>
            ) : live.status === "error" ? (
              "Live updates paused"
            ) : (
              "Connecting…"
            )}
          </span>
          <Link
            href={`/venues/${venueId}/labels`}
            className="rounded-lg px-3 py-2 text-sm font-semibold text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50"
          >
            Print slot labels
          </Link>
        </div>
      }
    >
      <QueryState
        query={racks}
        what="racks"
        isEmpty={(data) => data.racks.length === 0}
        empty="No racks yet: add one below, and its slots are numbered for you."
      >
        {(data) => (
          <>
            <p className="text-sm text-slate-700" data-testid="occupancy-totals">
              {(["HANGER", "SHELF"] as const)
                .filter((kind) => data.totals[kind].slotCount > 0)
                .map(
                  (kind) =>
                    `${kind === "HANGER" ? "Hangers" : "Shelves"}: ${data.totals[kind].occupiedCount} of ${data.totals[kind].slotCount} taken`,
                )
                .join(" · ")}
            </p>
            <ul className="flex flex-col gap-4">
              {data.racks.map((rack) => (
                <RackView key={rack.id} rack={rack} onRenamed={live.reset} />
              ))}
            </ul>
          </>
        )}
      </QueryState>
      <NewRackForm venueId={venueId} onCreated={live.reset} />
    </Panel>
  );
}

// Rack changes are not counter events, so the live feed does not carry them: after one, the
// feed restarts and its first message is the new layout.
function RackView({ rack, onRenamed }: { rack: Rack; onRenamed: () => void }) {
  const [renaming, setRenaming] = useState(false);
  return (
    <li className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-3">
        <h3 className="font-semibold text-slate-900">{rack.name}</h3>
        <span className="text-sm text-slate-700">
          {rack.kind === "SHELF" ? "Shelves" : "Hangers"} · {rack.occupiedCount} of {rack.slotCount} taken
        </span>
        <Button variant="ghost" size="sm" onClick={() => setRenaming(!renaming)}>
          {renaming ? "Cancel" : "Rename"}
        </Button>
      </div>
      {renaming && (
        <RenameRackForm
          rack={rack}
          onDone={() => {
            setRenaming(false);
            onRenamed();
          }}
        />
      )}
      <ol className="flex flex-wrap gap-1" aria-label={`Slots of ${rack.name}`}>
        {rack.slots.map((slot) => (
          <li
            key={slot.id}
            title={slot.ticket ? `Slot ${slot.number}: ticket ${slot.ticket.number}` : `Slot ${slot.number}: free`}
            aria-label={slot.ticket ? `Slot ${slot.number}, taken by ticket ${slot.ticket.number}` : `Slot ${slot.number}, free`}
            className={clsx(
              "flex h-8 min-w-8 items-center justify-center rounded px-1 text-xs font-semibold tabular-nums",
              slot.occupied ? "bg-emerald-600 text-white" : "bg-slate-100 text-slate-700 ring-1 ring-slate-300 ring-inset",
            )}
          >
            {slot.number}
          </li>
        ))}
      </ol>
    </li>
  );
}

function RenameRackForm({ rack, onDone }: { rack: Rack; onDone: () => void }) {
  const queryClient = useQueryClient();
  const rename = useMutation(
    trpc.rack.update.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.rack.list.pathKey() }) }),
  );
  const form = useForm({ defaultValues: { name: rack.name } });
  return (
    <form
      noValidate
      className="flex flex-wrap items-end gap-2"
      onSubmit={form.handleSubmit(async ({ name }) => {
        try {
          await rename.mutateAsync({ rackId: rack.id, name });
          onDone();
        } catch (error) {
          applyApiError(form, error);
        }
      })}
    >
      <FormError form={form} />
      <TextField label="New name" error={form.formState.errors.name?.message} {...form.register("name")} />
      <Button type="submit" size="sm" busy={form.formState.isSubmitting}>
        Save name
      </Button>
    </form>
  );
}

type NewRack = { name: string; slotCount: string; kind: "HANGER" | "SHELF" };

function NewRackForm({ venueId, onCreated }: { venueId: string; onCreated: () => void }) {
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.rack.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.rack.list.pathKey() }) }),
  );
  const form = useForm<NewRack>({ defaultValues: { name: "", slotCount: "50", kind: "HANGER" } });
  const { errors } = form.formState;
  return (
    <form
      noValidate
      aria-label="Add a rack"
      className="grid items-start gap-3 border-t border-slate-200 pt-4 sm:grid-cols-[1fr_7rem_9rem_auto]"
      onSubmit={form.handleSubmit(async (values) => {
        try {
          await create.mutateAsync({ venueId, name: values.name, slotCount: Number(values.slotCount), kind: values.kind });
          form.reset();
          onCreated();
        } catch (error) {
          applyApiError(form, error);
        }
      })}
    >
      <div className="sm:col-span-4">
        <FormError form={form} />
      </div>
      <TextField label="Rack name" error={errors.name?.message} {...form.register("name", { required: "Enter the rack's name." })} />
      <TextField
        label="Slots"
        type="number"
        min={1}
        error={errors.slotCount?.message}
        {...form.register("slotCount", { required: "Enter how many slots." })}
      />
      <SelectField label="Kind" hint="Coats or bags." error={errors.kind?.message} {...form.register("kind")}>
        <option value="HANGER">Hangers</option>
        <option value="SHELF">Shelves</option>
      </SelectField>
      <Button type="submit" className="sm:mt-6" busy={form.formState.isSubmitting}>
        Add rack
      </Button>
    </form>
  );
}
