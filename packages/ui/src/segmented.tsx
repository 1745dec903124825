/**
 * A few mutually exclusive choices shown side by side, as radio buttons so that screen readers
 * and arrow keys treat them as one group. `T` ties the options to the value, so a choice comes
 * back typed without a cast.
 */
export function Segmented<T extends string>({
  legend,
  options,
  value,
  onChange,
  disabled,
}: {
  legend: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  disabled?: boolean;
}) {
  return (
    <fieldset disabled={disabled} className="flex flex-col gap-1">
      <legend className="mb-1 text-sm font-semibold text-slate-800">{legend}</legend>
      <div className="flex gap-1 rounded-xl bg-slate-100 p-1">
        {options.map((option) => (
          <label key={option.value} className="flex-1">
            <input
              type="radio"
              className="peer sr-only"
              name={legend}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            <span className="flex min-h-11 cursor-pointer items-center justify-center rounded-lg px-2 text-center text-base font-semibold text-slate-800 peer-checked:bg-slate-900 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600">
              {option.label}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
