import superjson, { type SuperJSONResult } from "superjson";

/**
 * superjson reads type annotations that come with the data (`meta`). The clients only ever
 * annotate dates, undefined and the like, but anything on the internet can send any `meta`,
 * and some shapes of it send superjson into unbounded recursion: one anonymous request held
 * the event loop for more than a second (found by an outside review). So incoming
 * annotations are held to what a client's superjson.serialize writes before superjson reads
 * them; answers go out as superjson writes them.
 */
const INPUT_TYPES = new Set(["undefined", "Date", "bigint", "number", "map", "set"]);
const MAX_ANNOTATIONS = 1_000;
const MAX_PATH_SEGMENTS = 16;
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

export class UnreadableInputError extends Error {
  constructor() {
    super("The request's type annotations (superjson meta) are not ones this API reads.");
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPath(path: string): boolean {
  const segments = path.split(".");
  return segments.length <= MAX_PATH_SEGMENTS && segments.every((segment) => !FORBIDDEN_SEGMENTS.has(segment));
}

/** A leaf `[type]`, or `[map|set, { path: leaf }]` for the members of a map or set. */
function isAnnotation(node: unknown, budget: { left: number }, nested = false): boolean {
  if (!Array.isArray(node) || --budget.left < 0) return false;
  const [type, members] = node as unknown[];
  if (typeof type !== "string" || !INPUT_TYPES.has(type)) return false;
  if (node.length === 1) return true;
  if (node.length !== 2 || nested || (type !== "map" && type !== "set") || !isRecord(members)) return false;
  return Object.entries(members).every(([path, member]) => isPath(path) && isAnnotation(member, budget, true));
}

function isReadableMeta(meta: unknown): boolean {
  if (meta === undefined) return true;
  if (!isRecord(meta)) return false;
  const { values, referentialEqualities, v, ...rest } = meta;
  if (Object.keys(rest).length > 0 || (v !== undefined && v !== 1)) return false;
  const budget = { left: MAX_ANNOTATIONS };
  const valuesOk =
    values === undefined ||
    isAnnotation(values, budget) ||
    (isRecord(values) && Object.entries(values).every(([path, node]) => isPath(path) && isAnnotation(node, budget)));
  if (!valuesOk) return false;
  if (referentialEqualities === undefined) return true;
  if (!isRecord(referentialEqualities)) return false;
  return Object.entries(referentialEqualities).every(
    ([path, copies]) =>
      isPath(path) && Array.isArray(copies) && copies.every((copy) => typeof copy === "string" && isPath(copy) && --budget.left >= 0),
  );
}

export const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (payload: unknown): unknown => {
      if (!isRecord(payload) || !isReadableMeta(payload.meta)) throw new UnreadableInputError();
      return superjson.deserialize({ json: payload.json, meta: payload.meta } as SuperJSONResult);
    },
  },
  output: superjson,
};
