import type { RouterInputs, RouterOutputs } from "@qrcoats/api";
import { applyApiError, Button, FormError, TextField } from "@qrcoats/ui";
import { useForm, type UseFormRegisterReturn } from "react-hook-form";

type Venue = Extract<RouterOutputs["venue"]["get"], { view: "organization" }>;
type VenueSettingsInput = RouterInputs["venue"]["create"];

type VenueFormValues = {
  name: string;
  timezone: string;
  opensAt: string;
  closesAt: string;
  price: string;
  currency: string;
  inOutAllowance: string;
  forgottenDelayMinutes: string;
  publiclyListed: boolean;
  pickupEnabled: boolean;
  pickupQueueCap: string;
  pickupHoldMinutes: string;
  pickupUncollected: "RACK" | "RAIL";
  paymentTiming: "CHECK_IN" | "CHECK_OUT";
};

/** The form's names for the API's fields where they differ: the price is typed in units, not cents. */
const API_FIELDS = { priceCents: "price" } as const;

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function toValues(venue?: Venue): VenueFormValues {
  return {
    name: venue?.name ?? "",
    timezone: venue?.timezone ?? browserZone,
    opensAt: venue?.opensAt ?? "22:00",
    closesAt: venue?.closesAt ?? "05:00",
    price: venue ? (venue.priceCents / 100).toFixed(2) : "2.00",
    currency: venue?.currency ?? "EUR",
    inOutAllowance: String(venue?.inOutAllowance ?? 1),
    forgottenDelayMinutes: String(venue?.forgottenDelayMinutes ?? 180),
    publiclyListed: venue?.publiclyListed ?? false,
    // A new venue starts with the database's defaults.
    pickupEnabled: venue?.pickupEnabled ?? true,
    pickupQueueCap: String(venue?.pickupQueueCap ?? 20),
    pickupHoldMinutes: String(venue?.pickupHoldMinutes ?? 15),
    pickupUncollected: venue?.pickupUncollected ?? "RACK",
    paymentTiming: venue?.paymentTiming ?? "CHECK_OUT",
  };
}

/** Numbers as typed (empty ones are stopped by the form); what is not a number goes to the API as NaN and comes back as its field error. */
function toSettings(values: VenueFormValues): VenueSettingsInput {
  return {
    name: values.name,
    timezone: values.timezone,
    opensAt: values.opensAt,
    closesAt: values.closesAt,
    priceCents: Math.round(Number(values.price.replace(",", ".")) * 100),
    currency: values.currency.toUpperCase(),
    inOutAllowance: Number(values.inOutAllowance),
    forgottenDelayMinutes: Number(values.forgottenDelayMinutes),
    publiclyListed: values.publiclyListed,
    pickupEnabled: values.pickupEnabled,
    pickupQueueCap: Number(values.pickupQueueCap),
    pickupHoldMinutes: Number(values.pickupHoldMinutes),
    pickupUncollected: values.pickupUncollected,
    paymentTiming: values.paymentTiming,
  };
}

/** Where a coat nobody came for goes when its hold on the ready rail is over. */
const UNCOLLECTED_CHOICES = [
  { value: "RACK", label: "Back to its slot", hint: "An attendant hangs it back; the guest asks again or comes to the counter." },
  { value: "RAIL", label: "Stays on the rail", hint: "It keeps its place on the rail, ready at once if the guest asks again." },
] as const;

/** When guests pay: the counter asks for the payment at that step, and never hands a coat back unpaid without a reason. */
const PAYMENT_TIMING_CHOICES = [
  { value: "CHECK_OUT", label: "When they take the coat back", hint: "Check-in is one tap; the hand-back asks for cash or card." },
  { value: "CHECK_IN", label: "When they hand the coat over", hint: "Check-in asks for cash, card or “pays at pickup”." },
] as const;

/**
 * Create or edit a venue: its hours, time zone, price, in & out allowance, forgotten delay,
 * listing, and the closing rush (guests asking for their coat ahead, docs/pickup.md).
 */
export function VenueForm({
  venue,
  submitLabel,
  onSubmit,
}: {
  venue?: Venue;
  submitLabel: string;
  onSubmit: (settings: VenueSettingsInput) => Promise<unknown>;
}) {
  const form = useForm<VenueFormValues>({ defaultValues: toValues(venue) });
  const { errors } = form.formState;
  async function submit(values: VenueFormValues) {
    try {
      await onSubmit(toSettings(values));
      if (!venue) form.reset(toValues());
    } catch (error) {
      applyApiError(form, error, API_FIELDS);
    }
  }
  return (
    <form noValidate className="grid gap-4 sm:grid-cols-2" onSubmit={form.handleSubmit(submit)}>
      <div className="sm:col-span-2">
        <FormError form={form} />
      </div>
      <TextField label="Venue name" error={errors.name?.message} {...form.register("name", { required: "Enter the venue's name." })} />
      <TextField
        label="Time zone"
        hint="IANA name, such as Europe/Berlin."
        error={errors.timezone?.message}
        {...form.register("timezone")}
      />
      <TextField label="Opens at" type="time" error={errors.opensAt?.message} {...form.register("opensAt")} />
      <TextField
        label="Closes at"
        type="time"
        hint="May be after midnight."
        error={errors.closesAt?.message}
        {...form.register("closesAt")}
      />
      <TextField
        label="Price per item"
        inputMode="decimal"
        error={errors.price?.message}
        {...form.register("price", { required: "Enter the price, 0 for free." })}
      />
      <TextField label="Currency" maxLength={3} error={errors.currency?.message} {...form.register("currency")} />
      <ChoiceFieldset
        className="sm:col-span-2"
        legend="Guests pay"
        choices={PAYMENT_TIMING_CHOICES}
        error={errors.paymentTiming?.message}
        errorId="payment-timing-error"
        field={form.register("paymentTiming")}
      />
      <TextField
        label="In & outs per ticket"
        type="number"
        min={0}
        error={errors.inOutAllowance?.message}
        {...form.register("inOutAllowance", { required: "Enter a number, 0 for none." })}
      />
      <TextField
        label="Forgotten after closing (minutes)"
        type="number"
        min={0}
        hint="Coats still here this long after closing count as forgotten; their guests are told."
        error={errors.forgottenDelayMinutes?.message}
        {...form.register("forgottenDelayMinutes", { required: "Enter a number of minutes." })}
      />
      <div className="flex flex-col gap-1 sm:col-span-2">
        <label className="flex min-h-9 items-center gap-2 text-slate-900">
          <input type="checkbox" className="size-4" {...form.register("publiclyListed")} />
          List in the public venue list
        </label>
        <p className="text-sm text-slate-700">
          Guests then find it by name in the web app and ask for a ticket there. Unlisted, they do not see it; the counter still issues its
          tickets.
        </p>
        {errors.publiclyListed?.message && <p className="text-sm text-red-700">{errors.publiclyListed.message}</p>}
      </div>
      <div className="border-t border-slate-200 pt-4 sm:col-span-2">
        <fieldset className="flex flex-col gap-4" aria-describedby="closing-rush-about">
          <legend className="mb-1 text-base font-semibold text-slate-900">Closing rush</legend>
          <p id="closing-rush-about" className="text-sm text-slate-700">
            Guests tap “I’m leaving” on their ticket; attendants fetch the coat to the ready rail and a pickup board shows the numbers.
          </p>
          <div className="flex flex-col gap-1">
            <label className="flex min-h-9 items-center gap-2 text-slate-900">
              <input type="checkbox" className="size-4" {...form.register("pickupEnabled")} />
              Guests may ask for their coat ahead
            </label>
            <p className="text-sm text-slate-700">
              Off, nobody can ask ahead, at the counter either: coats are fetched when the guest shows the ticket.
            </p>
            {errors.pickupEnabled?.message && <p className="text-sm text-red-700">{errors.pickupEnabled.message}</p>}
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Queue cap"
              type="number"
              min={0}
              hint="How many coats may be asked for, fetched or waiting on the rail at once; 0 for no cap. Requests beyond it wait for a place and see their position."
              error={errors.pickupQueueCap?.message}
              {...form.register("pickupQueueCap", { required: "Enter a number, 0 for no cap." })}
            />
            <TextField
              label="Hold on the rail (minutes)"
              type="number"
              min={1}
              hint="How long a fetched coat waits on the ready rail for its guest."
              error={errors.pickupHoldMinutes?.message}
              {...form.register("pickupHoldMinutes", { required: "Enter a number of minutes." })}
            />
          </div>
          <ChoiceFieldset
            legend="A coat nobody collects in time"
            choices={UNCOLLECTED_CHOICES}
            error={errors.pickupUncollected?.message}
            errorId="pickup-uncollected-error"
            field={form.register("pickupUncollected")}
          />
        </fieldset>
      </div>
      <div className="sm:col-span-2">
        <Button type="submit" busy={form.formState.isSubmitting}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}

/** One setting chosen among a few, each with a line on what it means. */
function ChoiceFieldset({
  legend,
  choices,
  error,
  errorId,
  field,
  className = "",
}: {
  legend: string;
  choices: readonly { value: string; label: string; hint: string }[];
  error: string | undefined;
  errorId: string;
  field: UseFormRegisterReturn;
  className?: string;
}) {
  return (
    <fieldset className={`flex flex-col gap-2 ${className}`} aria-describedby={error ? errorId : undefined}>
      <legend className="mb-1 text-sm font-medium text-slate-800">{legend}</legend>
      {choices.map((choice) => (
        <label key={choice.value} className="flex items-start gap-2 text-slate-900">
          <input type="radio" value={choice.value} className="mt-1 size-4" {...field} />
          <span className="flex flex-col">
            {choice.label}
            <span className="text-sm text-slate-700">{choice.hint}</span>
          </span>
        </label>
      ))}
      {error && (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}
