import { z } from "zod";

/** A row id in input: malformed ids are refused as bad input, before any query. */
export const idInput = (what: string) => z.uuid(`That is not a valid ${what} id.`);
