import { Alert, Button, errorMessage } from "@qrcoats/ui";
import { useMutation } from "@tanstack/react-query";

/** Hands the browser a CSV the API produced, as a file download. */
function saveCsv(csv: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoked on the next turn: revoking at once can cancel the download before it starts.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * "Download CSV" for a report: asks the API when pressed (through the same checks as the
 * report itself) and saves the answer; a refusal is said beside the button. `fetchCsv` is
 * null while the report's inputs are incomplete.
 */
export function CsvDownload({ fetchCsv, fileName }: { fetchCsv: (() => Promise<string>) | null; fileName: string }) {
  const download = useMutation({ mutationFn: (fetch: () => Promise<string>) => fetch(), onSuccess: (csv) => saveCsv(csv, fileName) });
  return (
    <div className="flex flex-col items-end gap-2">
      <Button
        variant="secondary"
        size="sm"
        disabled={!fetchCsv}
        busy={download.isPending}
        onClick={() => fetchCsv && download.mutate(fetchCsv)}
      >
        Download CSV
      </Button>
      {download.isError && <Alert tone="error">{errorMessage(download.error)}</Alert>}
    </div>
  );
}
