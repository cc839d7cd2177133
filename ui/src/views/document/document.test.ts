import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render } from "@testing-library/svelte";
import { tick } from "svelte";
import type { Code } from "../../lib/ipc/bindings/Code";
import { Positions } from "../../lib/text/positions";
import Palette from "./Palette.svelte";
import { entries, filterEntries, pruneRecent, pushRecent, recentForKey } from "./palette";
import { lanes, marksIn, runs, segments, tint, type Mark } from "./segments";
import { estimateHeight, prefixOffsets, unitAt, visibleRange } from "./virtual";
import { SHORTCUTS } from "./shortcuts";

function code(id: number, name: string, parent: number | null = null, description = ""): Code {
  return {
    id,
    guid: `g${id}`,
    parent,
    position: id,
    name,
    description,
    inclusion: "",
    exclusion: "",
    example: "",
    color: "#4f94d4",
  };
}

const CODES = [
  code(1, "Similar interests"),
  code(2, "Shared background", 1),
  code(3, "Mentor qualities"),
  code(4, "Approachable", 3, "easy to talk to"),
  code(5, "Stratégie de carrière"),
  code(6, "Work–life balance"),
];

describe("palette filtering", () => {
  const all = entries(CODES);

  it("keeps the tree order with paths and depths when nothing is typed", () => {
    expect(filterEntries(all, "").map((e) => e.code.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all[1]).toMatchObject({ path: "Similar interests › Shared background", depth: 1 });
  });

  it("ranks names starting with the query before word starts, substrings and descriptions", () => {
    const ids = (q: string) => filterEntries(all, q).map((e) => e.code.id);
    expect(ids("s").slice(0, 3)).toEqual([1, 2, 5]); // names starting with "s", in tree order
    expect(ids("back")[0]).toBe(2); // a word of "Shared background"
    expect(ids("balance")).toEqual([6]); // after an en dash
    expect(ids("talk")).toEqual([4]); // only in the description
    expect(ids("mentor qualities › appro")).toEqual([4]); // the path
  });

  it("ignores case and accents", () => {
    expect(filterEntries(all, "STRATEGIE").map((e) => e.code.id)).toEqual([5]);
  });

  it("finds nothing for an unknown word", () => {
    expect(filterEntries(all, "zzz")).toEqual([]);
  });
});

describe("recent codes for number keys", () => {
  it("puts the codes just applied first, in the order applied, without duplicates, at most nine", () => {
    expect(pushRecent([], [4, 2])).toEqual([4, 2]);
    expect(pushRecent([4, 2], [2])).toEqual([2, 4]);
    expect(pushRecent([1, 2, 3, 4, 5, 6, 7, 8, 9], [10])).toEqual([10, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(pushRecent([3], [5, 5])).toEqual([5, 3]);
  });

  it("maps keys 1–9 to the list and nothing else", () => {
    const recent = [4, 2];
    expect(recentForKey(recent, "1")).toBe(4);
    expect(recentForKey(recent, "2")).toBe(2);
    expect(recentForKey(recent, "3")).toBeNull();
    expect(recentForKey(recent, "0")).toBeNull();
    expect(recentForKey(recent, "a")).toBeNull();
  });

  it("forgets codes that were deleted or merged away", () => {
    expect(pruneRecent([4, 99, 2], CODES)).toEqual([4, 2]);
  });
});

describe("the virtual window", () => {
  it("renders only the units around the viewport", () => {
    // 5,000 units of 50 px: a long transcript.
    const offsets = prefixOffsets(new Array(5000).fill(50));
    expect(offsets[5000]).toBe(250000);
    expect(unitAt(offsets, 0)).toBe(0);
    expect(unitAt(offsets, 49.9)).toBe(0);
    expect(unitAt(offsets, 50)).toBe(1);
    expect(unitAt(offsets, 1e9)).toBe(4999);
    const [first, last] = visibleRange(offsets, 100000, 800, 3);
    expect(first).toBe(2000 - 3);
    expect(last).toBe(2000 + 16 + 1 + 3);
    expect(last - first).toBeLessThan(30);
  });

  it("handles units of different heights and the ends of the document", () => {
    const offsets = prefixOffsets([100, 20, 300, 40]);
    expect(Array.from(offsets)).toEqual([0, 100, 120, 420, 460]);
    expect(visibleRange(offsets, 0, 110, 0)).toEqual([0, 2]);
    expect(visibleRange(offsets, 430, 500, 2)).toEqual([1, 4]);
    expect(visibleRange(prefixOffsets([]), 0, 500)).toEqual([0, 0]);
  });

  it("estimates a height from the text length", () => {
    expect(estimateHeight(0, 70, 28, 16)).toBe(44);
    expect(estimateHeight(141, 70, 28, 16)).toBe(16 + 3 * 28);
  });
});

describe("segments of a unit", () => {
  // "😀" and "𠀋" are astral (two UTF-16 units), "王芳" is not.
  const text = "Zoë said 😀 王芳 is great. 𠀋 Really?";
  const pos = new Positions(text);
  const mark = (id: number, start: number, end: number, code = id): Mark => ({ id, code, start, end, memo: "" });

  it("cuts at every coding boundary and keeps the text and UTF-16 starts exact after astral characters", () => {
    const len = pos.codePointLength;
    const marks = [mark(1, 9, 14), mark(2, 12, 23)];
    const segs = segments(text, pos, 0, len, marks);
    expect(segs.map((s) => s.text).join("")).toBe(text);
    const coded = segs.filter((s) => s.marks.length);
    expect(coded.map((s) => [s.text, s.marks.map((m) => m.id)])).toEqual([
      ["😀 王", [1]],
      ["芳 ", [1, 2]],
      ["is great.", [2]],
    ]);
    for (const s of segs) {
      expect(text.slice(s.u16, s.u16 + s.text.length)).toBe(s.text);
      expect(pos.toCodePoint(s.u16)).toBe(s.start);
    }
  });

  it("puts the innermost coding first, so it is drawn on top", () => {
    const segs = segments(text, pos, 0, pos.codePointLength, [mark(1, 0, 30), mark(2, 4, 8)]);
    expect(segs.find((s) => s.text === "said")?.marks.map((m) => m.id)).toEqual([2, 1]);
  });

  it("wraps the highlighted passage in one run even across codings", () => {
    const segs = segments(text, pos, 0, pos.codePointLength, [mark(1, 11, 13)], [9, 16]);
    const r = runs(segs);
    expect(r.map((x) => x.passage)).toEqual([false, true, false]);
    expect(r[1].segments.map((s) => s.text).join("")).toBe("😀 王芳 is");
  });

  it("marks the pending span", () => {
    const segs = segments(text, pos, 0, pos.codePointLength, [], null, [0, 3]);
    expect(segs[0]).toMatchObject({ text: "Zoë", pending: true });
    expect(segs[1].pending).toBe(false);
  });

  it("finds the marks overlapping a unit", () => {
    const marks = [mark(1, 0, 5), mark(2, 3, 40), mark(3, 10, 12), mark(4, 50, 60)];
    expect(marksIn(marks, 8, 20).map((m) => m.id)).toEqual([2, 3]);
    expect(marksIn(marks, 5, 10).map((m) => m.id)).toEqual([2]);
  });
});

describe("margin stripes", () => {
  it("gives overlapping codings separate lanes and reuses free ones", () => {
    const { lane, count } = lanes([
      [0, 100],
      [10, 30],
      [40, 60],
      [120, 130],
    ]);
    expect(lane).toEqual([0, 1, 1, 0]);
    expect(count).toBe(2);
  });

  it("tints code colours", () => {
    expect(tint("#2f7d4a", 0.2)).toBe("rgba(47, 125, 74, 0.2)");
    expect(tint("oops", 0.5)).toBe("rgba(128, 128, 128, 0.5)");
  });
});

describe("help overlay", () => {
  it("lists undo, redo, the palette, number keys, sentence and unit", () => {
    const all = SHORTCUTS.flatMap((g) => g.items.map((i) => i.what)).join("\n");
    for (const w of [/Undo/, /Redo/, /palette/, /recently used codes/, /sentence/, /whole unit/, /memo/, /Remove/]) expect(all).toMatch(w);
  });
});

describe("the palette component", () => {
  afterEach(() => cleanup());

  it("filters as the user types and applies the highlighted code with Enter", async () => {
    const onapply = vi.fn();
    const { getByTestId, getAllByTestId } = render(Palette, {
      props: { codes: CODES, recent: [4], title: "Code the selection as…", onapply, onclose: () => {} },
    });
    const input = getByTestId("palette-filter") as HTMLInputElement;
    expect(getAllByTestId("palette-code")).toHaveLength(6);
    await fireEvent.input(input, { target: { value: "shared" } });
    await tick();
    expect(getAllByTestId("palette-code").map((li) => li.dataset.code)).toEqual(["2"]);
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(onapply).toHaveBeenCalledWith([2]);
  });

  it("applies several codes: Shift+Enter ticks, Enter applies the ticked and the highlighted", async () => {
    const onapply = vi.fn();
    const { getByTestId } = render(Palette, {
      props: { codes: CODES, recent: [], title: "Code", onapply, onclose: () => {} },
    });
    const input = getByTestId("palette-filter") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "appro" } });
    await tick();
    await fireEvent.keyDown(input, { key: "Enter", shiftKey: true });
    await fireEvent.input(input, { target: { value: "" } });
    await tick();
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    await fireEvent.keyDown(input, { key: "Enter" });
    expect(onapply).toHaveBeenCalledWith([4, 2]);
  });

  it("closes on Escape without applying", async () => {
    const onapply = vi.fn();
    const onclose = vi.fn();
    const { getByTestId } = render(Palette, { props: { codes: CODES, recent: [], title: "Code", onapply, onclose } });
    await fireEvent.keyDown(getByTestId("palette-filter"), { key: "Escape" });
    expect(onclose).toHaveBeenCalled();
    expect(onapply).not.toHaveBeenCalled();
  });
});
