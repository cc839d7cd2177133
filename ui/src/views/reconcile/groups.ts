/**
 * The discrepancy list as the screen shows it: grouped by source, then by
 * code, flattened into rows of fixed heights so that a list of 10,000
 * discrepancies can be drawn a window at a time. Tested in groups.test.ts.
 */
import type { Discrepancy } from "../../lib/ipc/bindings/Discrepancy";

export type Row =
  | { type: "source"; key: string; title: string; count: number; undecided: number }
  | { type: "code"; key: string; name: string; count: number; undecided: number }
  | { type: "item"; key: string; item: Discrepancy; index: number };

export const ROW_HEIGHT: Record<Row["type"], number> = { source: 34, code: 28, item: 40 };

export interface Grouped {
  rows: Row[];
  /** Top of each row in pixels; one more entry than rows (the total height last). */
  tops: number[];
  /** The discrepancies in the order shown: what next/previous walk through. */
  order: Discrepancy[];
}

/** Groups discrepancies by source (in the engine's order) and, within a source, by code name. */
export function group(items: Discrepancy[]): Grouped {
  const bySource = new Map<number, { title: string; byCode: Map<string, Discrepancy[]> }>();
  for (const d of items) {
    let s = bySource.get(d.source);
    if (!s) bySource.set(d.source, (s = { title: d.source_title, byCode: new Map() }));
    const list = s.byCode.get(d.code_name);
    if (list) list.push(d);
    else s.byCode.set(d.code_name, [d]);
  }
  const rows: Row[] = [];
  const order: Discrepancy[] = [];
  for (const [source, s] of bySource) {
    const all = [...s.byCode.values()].flat();
    rows.push({
      type: "source",
      key: `s${source}`,
      title: s.title,
      count: all.length,
      undecided: all.filter((d) => !d.decision).length,
    });
    const names = [...s.byCode.keys()].sort((a, b) => a.localeCompare(b));
    for (const name of names) {
      const list = s.byCode.get(name)!;
      rows.push({
        type: "code",
        key: `s${source}c${list[0].code}`,
        name,
        count: list.length,
        undecided: list.filter((d) => !d.decision).length,
      });
      for (const item of list) {
        rows.push({ type: "item", key: item.key, item, index: order.length });
        order.push(item);
      }
    }
  }
  const tops = new Array<number>(rows.length + 1);
  tops[0] = 0;
  for (let i = 0; i < rows.length; i++) tops[i + 1] = tops[i] + ROW_HEIGHT[rows[i].type];
  return { rows, tops, order };
}

/** The first row whose bottom is below `y` (binary search over `tops`). */
export function rowAt(tops: number[], y: number): number {
  let lo = 0;
  let hi = tops.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1] <= y) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, Math.max(0, tops.length - 2));
}

/** The rows to draw for a viewport, with `overscan` rows either side. */
export function visibleRange(tops: number[], scrollTop: number, height: number, overscan = 8): [number, number] {
  const count = tops.length - 1;
  if (count <= 0) return [0, 0];
  const first = Math.max(0, rowAt(tops, scrollTop) - overscan);
  const last = Math.min(count, rowAt(tops, scrollTop + height) + 1 + overscan);
  return [first, last];
}

/** What a discrepancy is, in words. */
export function kindLabel(d: Discrepancy, coderA = "A", coderB = "B"): string {
  switch (d.kind) {
    case "only_a":
      return `Only ${coderA}`;
    case "only_b":
      return `Only ${coderB}`;
    case "boundaries":
      return "Different boundaries";
  }
}
