import { describe, expect, test } from "vitest";
import { DECISIONS, KEY_LEGEND, actionForKey, isTyping } from "./keys";
import { describe as describeEntry } from "./audit";

describe("reconcile keyboard", () => {
  test("J/K and the arrows move through the list", () => {
    expect(actionForKey({ key: "j" })).toEqual({ type: "next" });
    expect(actionForKey({ key: "ArrowDown" })).toEqual({ type: "next" });
    expect(actionForKey({ key: "k" })).toEqual({ type: "previous" });
    expect(actionForKey({ key: "ArrowUp" })).toEqual({ type: "previous" });
  });

  test("one key per decision", () => {
    const kinds = Object.fromEntries(
      ["a", "b", "2", "u", "i", "d"].map((k) => {
        const action = actionForKey({ key: k });
        return [k, action?.type === "decide" ? action.kind : null];
      }),
    );
    expect(kinds).toEqual({ a: "keep_a", b: "keep_b", "2": "keep_both", u: "union", i: "intersection", d: "drop" });
    expect(actionForKey({ key: "e" })).toEqual({ type: "adjust" });
    expect(actionForKey({ key: "c" })).toEqual({ type: "change_code" });
    expect(actionForKey({ key: "n" })).toEqual({ type: "note" });
    expect(actionForKey({ key: "z" })).toEqual({ type: "undo" });
    expect(actionForKey({ key: "l" })).toEqual({ type: "audit" });
  });

  test("Shift does not matter; Ctrl, Cmd and Alt keys belong to the app, typing to the field", () => {
    expect(actionForKey({ key: "U", shiftKey: true })).toEqual({ type: "decide", kind: "union" });
    expect(actionForKey({ key: "z", ctrlKey: true })).toBeNull();
    expect(actionForKey({ key: "a", metaKey: true })).toBeNull();
    expect(actionForKey({ key: "7", altKey: true })).toBeNull();
    expect(actionForKey({ key: "u" }, true)).toBeNull();
    expect(actionForKey({ key: "x" })).toBeNull();
  });

  test("fields where the user types are recognised", () => {
    expect(isTyping(document.createElement("textarea"))).toBe(true);
    expect(isTyping(document.createElement("input"))).toBe(true);
    expect(isTyping(document.createElement("button"))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });

  test("the legend lists the key of every decision, and each of those keys does what the legend says", () => {
    for (const d of DECISIONS) {
      expect(KEY_LEGEND.some((l) => l.keys.includes(d.key))).toBe(true);
      const action = actionForKey({ key: d.key.toLowerCase() });
      if (d.kind === "manual") expect(action).toEqual({ type: "adjust" });
      else if (d.kind === "change_code") expect(action).toEqual({ type: "change_code" });
      else expect(action).toEqual({ type: "decide", kind: d.kind });
    }
  });
});

describe("audit entries in words", () => {
  test("a decision names what was decided, where, and keeps its note", () => {
    const line = describeEntry({
      at: "2026-01-02T10:00:00Z",
      who: "Dr. Amara Okafor",
      action: "reconcile.decide",
      details: JSON.stringify({ decision: "union", code: "Networking", source: "Focus group", note: "Both fit" }),
    });
    expect(line.summary).toBe("Union: Networking in Focus group");
    expect(line.note).toBe("Both fit");
  });

  test("undo and unreadable details still read as a sentence", () => {
    expect(describeEntry({ at: "", who: "x", action: "reconcile.undo", details: '{"decision": 7}' }).summary).toBe(
      "Undid decision #7",
    );
    expect(describeEntry({ at: "", who: "x", action: "coding.add", details: "not json" }).summary).toBe("coding add");
  });
});
