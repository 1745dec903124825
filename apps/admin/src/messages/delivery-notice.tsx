import { Alert, trpc } from "@qrcoats/ui";
import { useQuery } from "@tanstack/react-query";

/** How this host sends email, said where admins send invitations and read messages. */
export function DeliveryNotice({ quietWhenSending = false }: { quietWhenSending?: boolean }) {
  const delivery = useQuery(trpc.messages.delivery.queryOptions());
  if (!delivery.data) return null;
  switch (delivery.data.email) {
    case "none":
      return (
        <Alert tone="error">
          No mail server is configured on this host (SMTP_URL), so no email leaves it. Copy an invitation’s link and send it yourself;
          password resets and notices to guests wait here until email is set up.
        </Alert>
      );
    case "local-mailbox":
      return (
        <Alert tone="info">
          Development host: messages go to its local mailbox, not to people. Each one is a file on the host, listed in its log.
        </Alert>
      );
    case "smtp":
      return quietWhenSending ? null : <Alert tone="info">Email is sent from {delivery.data.from}.</Alert>;
  }
}
