import { describe, expect, test } from "vitest";
import type { Discrepancy } from "../../lib/ipc/bindings/Discrepancy";
import { ROW_HEIGHT, group, rowAt, visibleRange } from "./groups";
import { pieces } from "./passage";

function disc(key: string, source: number, code: string, start: number, decided = false): Discrepancy {
  return {
    key,
    source,
    source_title: `Source ${source}`,
    code: code.charCodeAt(0),
    code_name: code,
    kind: "only_a",
    start,
    end: start + 10,
    a: [],
    b: [],
    decision: decided
      ? { id: 1, kind: "union", note: "", decided_by: "x", decided_at: "", consensus: [] }
      : null,
  };
}

describe("grouping the discrepancy list", () => {
  test("by source, then by code name, with counts of undecided; next/previous follow that order", () => {
    const g = group([
      disc("1", 1, "Time", 0),
      disc("2", 1, "Networking", 5, true),
      disc("3", 1, "Time", 50),
      disc("4", 2, "Networking", 0),
    ]);
    expect(g.rows.map((r) => (r.type === "item" ? r.key : `${r.type}:${r.count}/${r.undecided}`))).toEqual([
      "source:3/2",
      "code:1/0",
      "2",
      "code:2/2",
      "1",
      "3",
      "source:1/1",
      "code:1/1",
      "4",
    ]);
    expect(g.order.map((d) => d.key)).toEqual(["2", "1", "3", "4"]);
    expect(g.tops.at(-1)).toBe(2 * ROW_HEIGHT.source + 3 * ROW_HEIGHT.code + 4 * ROW_HEIGHT.item);
  });

  test("10,000 discrepancies draw only the rows in view", () => {
    const items = Array.from({ length: 10_000 }, (_, i) => disc(String(i), Math.floor(i / 100), `Code ${i % 7}`, i));
    const started = performance.now();
    const g = group(items);
    const [first, last] = visibleRange(g.tops, 200_000, 700);
    expect(performance.now() - started).toBeLessThan(500);
    expect(last - first).toBeLessThan(50);
    expect(g.tops[first]).toBeLessThanOrEqual(200_000);
    expect(g.tops[last]).toBeGreaterThanOrEqual(200_700);
    expect(rowAt(g.tops, 0)).toBe(0);
    expect(rowAt(g.tops, g.tops.at(-1)! + 100)).toBe(g.rows.length - 1);
  });
});

describe("cutting a passage for the panes", () => {
  test("pieces say who coded them, in code points, even across emoji", () => {
    // "😀" is one code point and two UTF-16 units; the passage starts at code point 100.
    const p = pieces("ab😀cdef", 100, [{ start: 101, end: 104 }], [{ start: 103, end: 106 }]);
    expect(p).toEqual([
      { text: "a", a: false, b: false, mark: false },
      { text: "b😀", a: true, b: false, mark: false },
      { text: "c", a: true, b: true, mark: false },
      { text: "de", a: false, b: true, mark: false },
      { text: "f", a: false, b: false, mark: false },
    ]);
  });
});
