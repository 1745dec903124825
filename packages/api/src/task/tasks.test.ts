import type { TaskStatus } from "@qrcoats/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVenue, founder, hire, type Staff } from "../employee/testing";
import { createTestApi, refusal, type TestApi } from "../testing";

const HOUR = 60 * 60 * 1000;

let t: TestApi;
let admin: Awaited<ReturnType<typeof founder>>;
let bar: { id: string; name: string };
let kim: Staff;
let lea: Staff;

beforeAll(async () => {
  t = await createTestApi();
  admin = await founder(t, "Club Tasks", "owner@tasks.example");
  bar = await createVenue(t, admin.organization.id, "Bar Entrance");
  kim = await hire(t, admin, { email: "kim@tasks.example", name: "Kim", venueIds: [bar.id] });
  lea = await hire(t, admin, { email: "lea@tasks.example", name: "Lea", venueIds: [bar.id] });
});
afterAll(() => t.close());

describe("task.create", () => {
  it("records everything an admin sets, and who set it", async () => {
    const dueAt = new Date(t.clock.now().getTime() + 2 * HOUR);
    const task = await admin.api.task.create({
      title: "  Restock hangers ",
      description: "Rack C is short of hangers.",
      venueId: bar.id,
      assigneeId: kim.employeeId,
      priority: "HIGH",
      dueAt,
    });
    expect(task).toEqual({
      id: expect.any(String),
      title: "Restock hangers",
      description: "Rack C is short of hangers.",
      priority: "HIGH",
      status: "TODO",
      dueAt,
      startedAt: null,
      completedAt: null,
      cancelledAt: null,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      venue: bar,
      assignee: { id: kim.employeeId, name: "Kim" },
      createdBy: { id: admin.employeeId, name: "Admin of Club Tasks" },
      overdue: false,
    });
    const minimal = await admin.api.task.create({ title: "Sweep the floor" });
    expect(minimal).toMatchObject({ description: "", priority: "NORMAL", venue: null, assignee: null, dueAt: null });
  });

  it("checks assignee and venue belong to the organization, and validates input", async () => {
    const rival = await founder(t, "Rival Tasks", "rival@tasks.example");
    const rivalVenue = await createVenue(t, rival.organization.id, "Rival Door");
    expect((await refusal(admin.api.task.create({ title: "x", assigneeId: rival.employeeId }))).code).toBe("NOT_FOUND");
    expect((await refusal(admin.api.task.create({ title: "x", venueId: rivalVenue.id }))).code).toBe("NOT_FOUND");
    expect((await refusal(admin.api.task.create({ title: "x", assigneeId: "00000000-0000-4000-8000-000000000000" }))).code).toBe(
      "NOT_FOUND",
    );
    const bad = await refusal(admin.api.task.create({ title: " ", priority: "SOON" as never, dueAt: "tomorrow" as never }));
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["dueAt", "priority", "title"]);

    const gone = await hire(t, admin, { email: "gone@tasks.example", name: "Gone" });
    await admin.api.employee.deactivate({ employeeId: gone.employeeId });
    expect(await refusal(admin.api.task.create({ title: "x", assigneeId: gone.employeeId }))).toMatchObject({
      code: "CONFLICT",
      message: "Gone is deactivated and cannot be given tasks.",
    });
    expect((await refusal(kim.api.task.create({ title: "My own task" }))).code).toBe("FORBIDDEN");
  });
});

/** A task of Kim's brought to `status` by legal moves. */
async function taskIn(status: TaskStatus) {
  const task = await admin.api.task.create({ title: `Task in ${status}`, assigneeId: kim.employeeId });
  if (status === "IN_PROGRESS") await admin.api.task.update({ taskId: task.id, status: "IN_PROGRESS" });
  if (status === "DONE" || status === "CANCELLED") await admin.api.task.update({ taskId: task.id, status });
  return task.id;
}

describe("status moves", () => {
  const legal: [TaskStatus, TaskStatus][] = [
    ["TODO", "IN_PROGRESS"],
    ["IN_PROGRESS", "TODO"],
    ["IN_PROGRESS", "DONE"],
    ["TODO", "DONE"],
    ["TODO", "CANCELLED"],
    ["IN_PROGRESS", "CANCELLED"],
  ];
  const illegal: [TaskStatus, TaskStatus][] = [
    ["DONE", "TODO"],
    ["DONE", "IN_PROGRESS"],
    ["DONE", "CANCELLED"],
    ["DONE", "DONE"],
    ["CANCELLED", "TODO"],
    ["CANCELLED", "IN_PROGRESS"],
    ["CANCELLED", "DONE"],
    ["CANCELLED", "CANCELLED"],
  ];

  it.each(legal)("%s → %s is allowed and stamped", async (from, to) => {
    const taskId = await taskIn(from);
    const before = await admin.api.task
      .list({ assigneeId: kim.employeeId, limit: 100 })
      .then((page) => page.items.find((task) => task.id === taskId)!);
    t.clock.advance(1000);
    const now = t.clock.now().getTime();
    const moved = await admin.api.task.update({ taskId, status: to });
    expect(moved.status).toBe(to);
    const stamp = (date: Date | null) => date !== null && Math.abs(date.getTime() - now) < 1000;
    if (to === "IN_PROGRESS") expect(stamp(moved.startedAt)).toBe(true);
    if (to === "TODO") expect(moved.startedAt).toBeNull();
    if (to === "DONE") expect(stamp(moved.completedAt)).toBe(true);
    if (to === "CANCELLED") expect(stamp(moved.cancelledAt)).toBe(true);
    if (to === "DONE" || to === "CANCELLED") expect(moved.startedAt).toEqual(before.startedAt);
    const [stored] = await t.db.sql.query<{ status: string }>(`SELECT status FROM employees.tasks WHERE id = $1`, [taskId]);
    expect(stored!.status).toBe(to);
  });

  it.each(illegal)("%s → %s is a CONFLICT naming the current status", async (from, to) => {
    const taskId = await taskIn(from);
    expect(await refusal(admin.api.task.update({ taskId, status: to }))).toMatchObject({
      code: "CONFLICT",
      message: `This task is ${from}; it can no longer change.`,
    });
    // Final means final: not even its details change.
    expect((await refusal(admin.api.task.update({ taskId, title: "Renamed" }))).code).toBe("CONFLICT");
    const [stored] = await t.db.sql.query<{ status: string; title: string }>(`SELECT status, title FROM employees.tasks WHERE id = $1`, [
      taskId,
    ]);
    expect(stored).toEqual({ status: from, title: `Task in ${from}` });
  });

  it("asking for the status a task already has changes nothing", async () => {
    const taskId = await taskIn("IN_PROGRESS");
    const started = (await admin.api.task.list({ limit: 1 })).items[0]!.startedAt;
    t.clock.advance(5000);
    expect(await kim.api.task.update({ taskId, status: "IN_PROGRESS" })).toMatchObject({ status: "IN_PROGRESS", startedAt: started });
  });

  it("two moves at once: one wins, the other is a CONFLICT", async () => {
    const taskId = await taskIn("IN_PROGRESS");
    const results = await Promise.allSettled([
      kim.api.task.update({ taskId, status: "DONE" }),
      admin.api.task.update({ taskId, status: "CANCELLED" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason.code).toBe("CONFLICT");
    const [stored] = await t.db.sql.query<{ status: string; completed_at: Date | null; cancelled_at: Date | null }>(
      `SELECT status, completed_at, cancelled_at FROM employees.tasks WHERE id = $1`,
      [taskId],
    );
    expect(stored!.status === "DONE" ? stored!.cancelled_at : stored!.completed_at).toBeNull();
  });
});

describe("what employees may do with tasks", () => {
  it("an employee sees only their tasks and may only move their status", async () => {
    const mine = await admin.api.task.create({ title: "Kim's job", assigneeId: kim.employeeId });
    const hers = await admin.api.task.create({ title: "Lea's job", assigneeId: lea.employeeId });
    const nobodys = await admin.api.task.create({ title: "Unassigned job" });

    const visible = (await kim.api.task.list({ limit: 100 })).items;
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((task) => task.assignee?.id === kim.employeeId)).toBe(true);
    expect(visible.map((task) => task.id)).not.toContain(hers.id);
    expect(visible.map((task) => task.id)).not.toContain(nobodys.id);
    expect((await refusal(kim.api.task.list({ assigneeId: lea.employeeId }))).code).toBe("FORBIDDEN");
    expect((await refusal(kim.api.task.list({ assigneeId: null }))).code).toBe("FORBIDDEN");

    expect((await kim.api.task.update({ taskId: mine.id, status: "IN_PROGRESS" })).status).toBe("IN_PROGRESS");
    expect((await kim.api.task.update({ taskId: mine.id, status: "TODO" })).status).toBe("TODO");
    for (const change of [
      { title: "Easier job" },
      { priority: "LOW" as const },
      { dueAt: null },
      { assigneeId: lea.employeeId },
      { description: "" },
    ]) {
      expect(await refusal(kim.api.task.update({ taskId: mine.id, ...change }))).toMatchObject({
        code: "FORBIDDEN",
        message: "Only an admin can change a task's details; you can change its status.",
      });
    }
    expect(await refusal(kim.api.task.update({ taskId: mine.id, status: "CANCELLED" }))).toMatchObject({
      code: "FORBIDDEN",
      message: "Only an admin can cancel a task.",
    });
    expect(await refusal(kim.api.task.update({ taskId: hers.id, status: "DONE" }))).toMatchObject({
      code: "FORBIDDEN",
      message: "You can only change tasks assigned to you.",
    });
    expect((await refusal(kim.api.task.update({ taskId: nobodys.id, status: "DONE" }))).code).toBe("FORBIDDEN");
    expect((await kim.api.task.update({ taskId: mine.id, status: "DONE" })).status).toBe("DONE");

    const stored = await t.db.sql.query<{ title: string; status: string }>(
      `SELECT title, status FROM employees.tasks WHERE id = ANY($1::uuid[]) ORDER BY title`,
      [[mine.id, hers.id]],
    );
    expect(stored).toEqual([
      { title: "Kim's job", status: "DONE" },
      { title: "Lea's job", status: "TODO" },
    ]);
  });

  it("admins reassign, retitle, reschedule and move tasks between venues", async () => {
    const lounge = await createVenue(t, admin.organization.id, "Lounge");
    const task = await admin.api.task.create({ title: "Count tickets", assigneeId: kim.employeeId, venueId: bar.id });
    const changed = await admin.api.task.update({
      taskId: task.id,
      title: "Count all tickets",
      assigneeId: lea.employeeId,
      venueId: lounge.id,
      priority: "URGENT",
      dueAt: null,
      description: "Both racks.",
    });
    expect(changed).toMatchObject({
      title: "Count all tickets",
      assignee: { id: lea.employeeId, name: "Lea" },
      venue: lounge,
      priority: "URGENT",
      description: "Both racks.",
    });
    expect(await admin.api.task.update({ taskId: task.id, assigneeId: null, venueId: null })).toMatchObject({
      assignee: null,
      venue: null,
    });
  });
});

describe("overdue", () => {
  it("is computed from the due time and status, returned on every task, and filterable", async () => {
    const org = await founder(t, "Overdue Org", "overdue@example.com");
    const now = t.clock.now().getTime();
    const late = await org.api.task.create({ title: "late", dueAt: new Date(now + HOUR) });
    const doneLate = await org.api.task.create({ title: "done late", dueAt: new Date(now + HOUR) });
    const later = await org.api.task.create({ title: "later", dueAt: new Date(now + 5 * HOUR) });
    const undated = await org.api.task.create({ title: "undated" });
    await org.api.task.update({ taskId: doneLate.id, status: "DONE" });
    expect((await org.api.task.list({ overdue: true })).items).toEqual([]);

    t.clock.advance(2 * HOUR);
    const all = (await org.api.task.list({})).items;
    expect(Object.fromEntries(all.map((task) => [task.title, task.overdue]))).toEqual({
      late: true,
      "done late": false,
      later: false,
      undated: false,
    });
    expect((await org.api.task.list({ overdue: true })).items.map((task) => task.id)).toEqual([late.id]);
    expect((await org.api.task.list({ overdue: false })).items.map((task) => task.id).sort()).toEqual(
      [doneLate.id, later.id, undated.id].sort(),
    );
    expect((await org.api.task.update({ taskId: late.id, status: "IN_PROGRESS" })).overdue).toBe(true);
    expect((await org.api.task.update({ taskId: late.id, status: "DONE" })).overdue).toBe(false);
  });
});

describe("task.list", () => {
  it("filters by status, assignee, venue and pages newest first", async () => {
    const org = await founder(t, "List Org", "lists@example.com");
    const door = await createVenue(t, org.organization.id, "Door");
    const max = await hire(t, org, { email: "max@lists.example", name: "Max" });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      t.clock.advance(10);
      const task = await org.api.task.create({
        title: `task ${i}`,
        assigneeId: i % 2 === 0 ? max.employeeId : undefined,
        venueId: i < 3 ? door.id : undefined,
      });
      ids.push(task.id);
    }
    await org.api.task.update({ taskId: ids[0]!, status: "DONE" });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await org.api.task.list({ limit: 3, cursor });
      seen.push(...page.items.map((task) => task.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const titles = async (input: Parameters<typeof org.api.task.list>[0]) =>
      (await org.api.task.list(input)).items.map((task) => task.title);
    expect(await titles({ assigneeId: max.employeeId })).toEqual(["task 6", "task 4", "task 2", "task 0"]);
    expect(await titles({ assigneeId: null })).toEqual(["task 5", "task 3", "task 1"]);
    expect(await titles({ venueId: door.id })).toEqual(["task 2", "task 1", "task 0"]);
    expect(await titles({ status: "DONE" })).toEqual(["task 0"]);
    expect(await titles({ status: "TODO", venueId: door.id, assigneeId: max.employeeId })).toEqual(["task 2"]);
    expect((await max.api.task.list({})).items.map((task) => task.title)).toEqual(["task 6", "task 4", "task 2", "task 0"]);
  });
});

describe("tenant isolation", () => {
  it("an admin of another organization finds none of this organization's tasks, people or venues (NOT_FOUND)", async () => {
    const task = await admin.api.task.create({ title: "Ours", assigneeId: kim.employeeId, venueId: bar.id });
    const rival = await founder(t, "Task Thieves", "thief@tasks.example");
    for (const call of [
      () => rival.api.task.update({ taskId: task.id, status: "CANCELLED" }),
      () => rival.api.task.update({ taskId: task.id, title: "Theirs" }),
      () => rival.api.task.list({ assigneeId: kim.employeeId }),
      () => rival.api.task.list({ venueId: bar.id }),
      () => rival.api.task.create({ title: "Planted", assigneeId: kim.employeeId }),
      () => rival.api.task.create({ title: "Planted", venueId: bar.id }),
    ]) {
      expect((await refusal(call())).code).toBe("NOT_FOUND");
    }
    expect((await rival.api.task.list({})).items).toEqual([]);
    const [stored] = await t.db.sql.query(`SELECT title, status FROM employees.tasks WHERE id = $1`, [task.id]);
    expect(stored).toEqual({ title: "Ours", status: "TODO" });
    expect((await refusal(t.client().api.task.list({}))).code).toBe("UNAUTHORIZED");
  });
});
