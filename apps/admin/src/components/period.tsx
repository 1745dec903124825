import { TextField } from "@qrcoats/ui";
import { useState } from "react";
import { fromLocalInput, toLocalInput } from "./format";
import { useUrlFilters } from "./url-filters";

export type Period = { from: Date; to: Date };

/** The last `hours` hours, ending at the top of the next hour: "last night" by default. */
export function recentPeriod(hours: number): Period {
  const to = new Date();
  to.setMinutes(0, 0, 0);
  to.setHours(to.getHours() + 1);
  return { from: new Date(to.getTime() - hours * 3600_000), to };
}

/**
 * A period picked with two datetime inputs, either end left open when empty; the API checks
 * it and its errors show on the fields. Both ends live in the URL as the inputs show them
 * (the browser's local time), and changing one writes both, so a shared link shows the same
 * period even where the default is "the last hours" and the hours have moved on.
 */
export function usePeriod(initial: Period | null) {
  // The default is fixed when the page opens: "the last 24 hours" must not slide while one reads.
  const [defaults] = useState(() => ({ from: initial ? toLocalInput(initial.from) : "", to: initial ? toLocalInput(initial.to) : "" }));
  const [{ from, to }, setInputs] = useUrlFilters(defaults);
  const period = { from: fromLocalInput(from), to: fromLocalInput(to) };
  return {
    inputs: {
      from,
      to,
      setFrom: (value: string) => setInputs({ from: value, to }),
      setTo: (value: string) => setInputs({ from, to: value }),
    },
    period,
  };
}

export function PeriodFields({
  inputs,
  errors = {},
}: {
  inputs: ReturnType<typeof usePeriod>["inputs"];
  errors?: Record<string, string[] | undefined>;
}) {
  return (
    <>
      <TextField
        label="From"
        type="datetime-local"
        value={inputs.from}
        onChange={(event) => inputs.setFrom(event.target.value)}
        error={errors.from?.[0]}
      />
      <TextField
        label="To"
        type="datetime-local"
        value={inputs.to}
        onChange={(event) => inputs.setTo(event.target.value)}
        error={errors.to?.[0]}
      />
    </>
  );
}
