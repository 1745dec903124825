/**
 * Categories compared side by side (attendants, refusal reasons): labelled bars in plain
 * HTML, so screen readers read the numbers and no chart library is needed for them.
 */
export function BarList({
  title,
  rows,
  format = String,
}: {
  title: string;
  rows: { label: string; value: number }[];
  format?: (value: number) => string;
}) {
  const max = Math.max(1, ...rows.map((row) => row.value));
  return (
    <figure className="flex flex-col gap-2">
      <figcaption className="text-sm font-semibold text-slate-800">{title}</figcaption>
      <ul className="flex flex-col gap-1.5">
        {rows.map((row) => (
          <li key={row.label} className="grid grid-cols-[minmax(6rem,12rem)_1fr_auto] items-center gap-2 text-sm">
            <span className="truncate text-slate-800">{row.label}</span>
            <span aria-hidden className="h-3 overflow-hidden rounded bg-slate-100">
              <span className="block h-full rounded bg-indigo-500" style={{ width: `${(100 * row.value) / max}%` }} />
            </span>
            <span className="text-right font-semibold text-slate-900 tabular-nums">{format(row.value)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
