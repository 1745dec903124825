import { useSearchParams } from "wouter";

/**
 * A list's filters, kept in the URL's query string so that a filtered list can be shared as a
 * link and survives a reload. `defaults` names each filter and its value when the URL says
 * nothing; a filter emptied back to an empty default leaves the URL, so an unfiltered list
 * has a clean one. Changes replace the history entry rather than push one: typing a search
 * would otherwise leave a Back step per letter, and Back leaves the list instead of undoing
 * filters one by one.
 */
export function useUrlFilters<Key extends string>(defaults: Record<Key, string>) {
  const [params, setParams] = useSearchParams();
  const keys = Object.keys(defaults) as Key[];
  const filters = Object.fromEntries(keys.map((key) => [key, params.get(key) ?? defaults[key]])) as Record<Key, string>;
  const setFilters = (changes: Partial<Record<Key, string>>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const key of keys) {
          const value = changes[key];
          if (value === undefined) continue;
          if (value === "" && defaults[key] === "") next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );
  return [filters, setFilters] as const;
}

/** Whether a filter read from the URL is one of `choices`: a hand-edited or stale link must not send the API a value it refuses. */
export function isOneOf<T extends string>(value: string, choices: Record<T, unknown>): value is T {
  return Object.keys(choices).includes(value);
}
