import { Alert, Button, errorMessage, trpc } from "@qrcoats/ui";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

/**
 * The invitation's own link, for an admin to send by any means: a venue without a mail server
 * onboards its staff this way, and a lost email is no reason to wait. Copying never replaces
 * the emailed link.
 */
export function CopyInvitationLink({ employeeId, name }: { employeeId: string; name: string }) {
  const link = useMutation(trpc.employee.invitationLink.mutationOptions());
  const [copied, setCopied] = useState<"copied" | "shown" | null>(null);
  return (
    <div className="flex flex-col items-start gap-2">
      <Button
        variant="secondary"
        size="sm"
        busy={link.isPending}
        onClick={async () => {
          setCopied(null);
          const { link: url } = await link.mutateAsync({ employeeId });
          try {
            await navigator.clipboard.writeText(url);
            setCopied("copied");
          } catch {
            // No clipboard (an insecure origin, a refused permission): show it to copy by hand.
            setCopied("shown");
          }
        }}
      >
        Copy invitation link
      </Button>
      {link.error && <Alert tone="error">{errorMessage(link.error)}</Alert>}
      {copied === "copied" && (
        <p role="status" className="text-sm text-emerald-800">
          Copied. Send it to {name} yourself: it works once, until the invitation expires.
        </p>
      )}
      {copied === "shown" && link.data && (
        <label className="flex flex-col gap-1 text-sm text-slate-800">
          Copy this link and send it to {name}:
          <input
            readOnly
            value={link.data.link}
            className="rounded border border-slate-300 px-2 py-1 font-mono text-xs"
            onFocus={(e) => e.target.select()}
          />
        </label>
      )}
    </div>
  );
}
