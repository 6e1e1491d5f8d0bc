import { stat } from "node:fs";
import { describe, expect, it } from "vitest";
import { nextTurn } from "../../app/http/event-loop-turns.server";

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // CPU work, as a render is
  }
};

describe("nextTurn", () => {
  it("lets I/O callbacks run between two waiters, and releases waiters in the order they asked", async () => {
    const order: string[] = [];
    const waiter = (name: string) =>
      nextTurn().then(() => {
        order.push(name);
        busy(20); // long enough for the file system call below to have finished meanwhile
      });
    const done = Promise.all([waiter("first"), waiter("second"), waiter("third")]);
    // Completes on the thread pool and is delivered in a poll phase.
    const io = new Promise<void>((resolve) => stat(".", () => resolve(void order.push("io"))));
    await Promise.all([done, io]);
    // One setImmediate each would have run all three renders in one check phase, before any I/O.
    expect(order.indexOf("io")).toBeLessThan(order.indexOf("third"));
    expect(order.filter((o) => o !== "io")).toEqual(["first", "second", "third"]);
  });
});
