/**
 * The reconcile screen's keyboard: moving through the list and one key per
 * decision. The legend on screen is built from `KEY_LEGEND`, so what it
 * says is what the keys do. Tested in keys.test.ts.
 */
import type { DecisionKind } from "../../lib/ipc/bindings/DecisionKind";

export type ReconcileAction =
  | { type: "next" }
  | { type: "previous" }
  | { type: "decide"; kind: DecisionKind }
  /** Decisions that need more input first: a span, or another code. */
  | { type: "adjust" }
  | { type: "change_code" }
  | { type: "note" }
  | { type: "undo" }
  | { type: "audit" };

/** Decisions a single key makes at once. */
const DIRECT: Record<string, DecisionKind> = {
  a: "keep_a",
  b: "keep_b",
  "2": "keep_both",
  u: "union",
  i: "intersection",
  d: "drop",
};

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

/**
 * The action of a key press, or null when the key is not the screen's
 * (modified keys other than Shift, keys typed into a field).
 */
export function actionForKey(e: KeyLike, typing = false): ReconcileAction | null {
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (key === "j" || key === "ArrowDown") return { type: "next" };
  if (key === "k" || key === "ArrowUp") return { type: "previous" };
  if (key in DIRECT) return { type: "decide", kind: DIRECT[key] };
  switch (key) {
    case "e":
      return { type: "adjust" };
    case "c":
      return { type: "change_code" };
    case "n":
      return { type: "note" };
    case "z":
      return { type: "undo" };
    case "l":
      return { type: "audit" };
  }
  return null;
}

/** Whether a key event comes from a place where the user types text. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== "string") return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
}

/** Every decision's label, in the order the buttons show them. */
export const DECISIONS: Array<{ kind: DecisionKind; label: string; key: string; hint: string }> = [
  { kind: "keep_a", label: "Keep A's", key: "A", hint: "Keep coder A's codings as they are" },
  { kind: "keep_b", label: "Keep B's", key: "B", hint: "Keep coder B's codings as they are" },
  { kind: "keep_both", label: "Keep both", key: "2", hint: "Keep both coders' codings" },
  { kind: "union", label: "Union", key: "U", hint: "One coding from the earliest start to the latest end" },
  { kind: "intersection", label: "Intersection", key: "I", hint: "One coding over the part both coders coded" },
  { kind: "manual", label: "Adjust…", key: "E", hint: "Set the span by hand" },
  { kind: "change_code", label: "Change code…", key: "C", hint: "Apply another code to this passage" },
  { kind: "drop", label: "Drop both", key: "D", hint: "Keep nothing here" },
];

/** The legend shown on screen. */
export const KEY_LEGEND: Array<{ keys: string[]; label: string }> = [
  { keys: ["J", "↓"], label: "next" },
  { keys: ["K", "↑"], label: "previous" },
  ...DECISIONS.map((d) => ({ keys: [d.key], label: d.label.replace("…", "") })),
  { keys: ["N"], label: "note" },
  { keys: ["Z"], label: "undo" },
  { keys: ["L"], label: "audit log" },
];

/** How a recorded decision reads in lists and the log ("kept A's", "union"). */
export const DECISION_PAST: Record<DecisionKind, string> = {
  keep_a: "Kept A's",
  keep_b: "Kept B's",
  keep_both: "Kept both",
  union: "Union",
  intersection: "Intersection",
  manual: "Adjusted by hand",
  change_code: "Changed the code",
  drop: "Dropped both",
};
