import { Alert, Button, FormError, QrImage, TextField, applyApiError, errorMessage, trpc } from "@qrcoats/ui";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { Link } from "wouter";
import { PageTitle } from "../layout";
import { useCounterVenue } from "./use-counter-venue";

type Contact = { name: string; email: string; phone: string };

/**
 * A ticket for a guest without the app: the QR goes on the counter's screen for the guest to
 * photograph. Name, email or phone are optional and only help find a lost ticket later.
 */
export function WalkInPage() {
  const { venue, isPending, error } = useCounterVenue();
  const form = useForm<Contact>({ defaultValues: { name: "", email: "", phone: "" } });
  const issue = useMutation(trpc.qr.issueWalkIn.mutationOptions({ onError: (failure) => applyApiError(form, failure) }));
  const { errors } = form.formState;

  if (isPending) return <p role="status">Loading…</p>;
  if (error) return <Alert tone="error">{errorMessage(error)}</Alert>;
  if (!venue) return <Alert tone="warning">Choose your venue at the counter first.</Alert>;

  if (issue.data) {
    const ticket = issue.data;
    return (
      <section className="flex flex-col items-center gap-4 text-center">
        <PageTitle>Walk-in ticket</PageTitle>
        <p className="-mt-2 text-lg text-slate-800">Ask the guest to take a photo of this code.</p>
        <div className="w-full max-w-md rounded-2xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
          <QrImage url={ticket.url} label={`QR code of walk-in ticket ${ticket.number}`} />
        </div>
        <p className="text-lg font-semibold text-slate-700">
          Ticket{" "}
          <span className="block text-8xl leading-none font-black text-slate-950 tabular-nums" data-testid="walk-in-number">
            {ticket.number}
          </span>
        </p>
        <p className="text-slate-700">{ticket.venue.name}</p>
        <div className="grid w-full max-w-md grid-cols-2 gap-2">
          <Button
            size="lg"
            variant="secondary"
            onClick={() => {
              issue.reset();
              form.reset();
            }}
          >
            Another walk-in
          </Button>
          <Link
            href="/counter"
            className="inline-flex min-h-14 items-center justify-center rounded-lg bg-indigo-600 px-6 text-lg font-semibold text-white hover:bg-indigo-700"
          >
            Done
          </Link>
        </div>
      </section>
    );
  }

  return (
    <section>
      <PageTitle>New walk-in ticket</PageTitle>
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={form.handleSubmit((values) =>
          issue.mutate({
            venueId: venue.id,
            name: values.name.trim() || undefined,
            email: values.email.trim() || undefined,
            phone: values.phone.trim() || undefined,
          }),
        )}
      >
        <p className="text-slate-700">At {venue.name}. All fields are optional: they only help find the ticket if the guest loses it.</p>
        <FormError form={form} />
        <TextField label="Guest's name" autoComplete="off" error={errors.name?.message} {...form.register("name")} />
        <TextField
          label="Email"
          type="email"
          inputMode="email"
          autoComplete="off"
          error={errors.email?.message}
          {...form.register("email")}
        />
        <TextField label="Phone" type="tel" inputMode="tel" autoComplete="off" error={errors.phone?.message} {...form.register("phone")} />
        <Button type="submit" size="lg" busy={issue.isPending}>
          Issue the ticket
        </Button>
      </form>
    </section>
  );
}
