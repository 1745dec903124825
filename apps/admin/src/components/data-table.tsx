import { Button } from "@qrcoats/ui";
import { createColumnHelper, tableFeatures, useTable, type ColumnDef, type RowData } from "@tanstack/react-table";
import { clsx } from "clsx";

/** The panel's tables render rows as the server sorted, filtered and paged them: no client-side features. */
const features = tableFeatures({});
type Features = typeof features;

export const columnHelper = <TData extends RowData>() => createColumnHelper<Features, TData>();

/**
 * A plain, accessible table over rows the server already filtered and paged. TanStack Table
 * owns the column model; the markup is ours. `rowClassName` lets a page make rows stand out
 * (overdue tasks, refused scans).
 */
export function DataTable<TData extends RowData>({
  columns,
  data,
  caption,
  rowClassName,
  testId,
}: {
  columns: ColumnDef<Features, TData>[];
  data: TData[];
  caption: string;
  rowClassName?: (row: TData) => string;
  testId?: string;
}) {
  const table = useTable({ features, columns, data });
  return (
    <div className="overflow-x-auto rounded-lg ring-1 ring-slate-200">
      <table className="w-full border-collapse text-left text-sm" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-slate-700">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className="px-3 py-2 font-semibold whitespace-nowrap">
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={clsx("border-t border-slate-200", rowClassName?.(row.original))}>
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className="px-3 py-2 align-top text-slate-900">
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The server hands out pages; this asks for the next one. */
export function MorePages({ query }: { query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown } }) {
  if (!query.hasNextPage) return null;
  return (
    <Button variant="secondary" className="self-center" busy={query.isFetchingNextPage} onClick={() => query.fetchNextPage()}>
      Show more
    </Button>
  );
}
