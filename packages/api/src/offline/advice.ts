import type { RefusalReason } from "../qr/scan-events";
import type { OfflineTicket, Operation } from "./contract";

// What an attendant does about an action taken offline that the server refused once the
// network was back: the coat is somewhere real, so the advice names where.

const slotOf = (ticket: OfflineTicket | null) => (ticket?.slot ? `slot ${ticket.slot.number}` : null);

export function adviceFor(operation: Operation, reason: RefusalReason | null, ticket: OfflineTicket | null): string {
  const number = ticket ? `ticket ${ticket.number}` : "the ticket";
  const hungOn = operation.action === "CHECK_IN" || operation.action === "SWAP";
  switch (reason) {
    case "ALREADY_CHECKED_IN":
      return slotOf(ticket)
        ? `Another counter checked ${number} in on ${slotOf(ticket)}. Make sure the coat is there, and free the slot you used.`
        : `Another counter checked ${number} in. Scan it to see where its coat is.`;
    case "ALREADY_RETURNED":
      return hungOn
        ? `${capital(number)} was handed back at another counter: if you still hold a coat for it, set it aside and ask the guest.`
        : `${capital(number)} was already handed back: nothing more to do for it.`;
    case "VOIDED":
      return `${capital(number)} was voided at another counter. Ask the guest and, if the coat is with you, check it in on a new ticket.`;
    case "NOT_CHECKED_IN":
      return `The server has ${number} as not checked in${ticket ? ` (${ticket.state.toLowerCase().replace("_", " ")})` : ""}. Scan it to see where it stands, and check the coat in again if you hold it.`;
    case "SLOT_TAKEN":
      return `The slot you used was taken meanwhile. Scan ${number}, check it in again and move the coat to the slot shown.`;
    case "ALREADY_PAID":
      return `${capital(number)} was already paid: if the guest paid twice, give the money back.`;
    case "ALLOWANCE_USED_UP":
      return `${capital(number)} has no in & outs left: the guest must check the coat out instead.`;
    case "FORGOTTEN":
      return `${capital(number)} went to lost & found after closing: hand the coat back with check-out.`;
    case "NO_PICKUP_REQUEST":
    case "PICKUP_CLOSED":
      return `${capital(number)}'s pickup request was closed meanwhile (called off, or the coat handed over): if you fetched its coat, hang it back on ${slotOf(ticket) ?? "its slot"}.`;
    case "UNKNOWN_CODE":
    case "WRONG_VENUE":
      return operation.action === "ISSUE_WALK_IN"
        ? "That walk-in ticket could not be registered: issue the guest a new one."
        : "That was not one of this venue's tickets: if a coat was taken on it, give the guest a walk-in ticket for it.";
    default:
      return `Scan ${number} to see where it stands now.`;
  }
}

function capital(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
