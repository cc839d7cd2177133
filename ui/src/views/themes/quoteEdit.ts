/**
 * Editing a quote for print: shortening with an ellipsis and replacing a
 * name with a bracketed word. The edit is plain text stored beside the
 * original passage; the ranges here are positions in the edit box
 * (UTF-16, as the browser reports a selection), never positions in the source.
 */

export const ELLIPSIS = "…";

/** `word` in square brackets, as manuscripts mark a replacement: "[my mentor]". */
export function bracketed(word: string): string {
  const w = word.trim().replace(/^\[+/, "").replace(/\]+$/, "").trim();
  return w ? `[${w}]` : "";
}

/**
 * Cuts `text[start, end)` and puts an ellipsis in its place, with single
 * spaces around it (none before it at the start or after it at the end).
 */
export function elide(text: string, start: number, end: number): string {
  [start, end] = start <= end ? [start, end] : [end, start];
  if (start === end) return text;
  const before = text.slice(0, start).replace(/\s+$/, "");
  const after = text.slice(end).replace(/^\s+/, "");
  if (!before && !after) return ELLIPSIS;
  if (!before) return `${ELLIPSIS} ${after}`;
  if (!after) return `${before} ${ELLIPSIS}`;
  // An ellipsis before punctuation sits close to it: "said … ," reads badly.
  if (/^[,.;:!?)]/.test(after)) return `${before} ${ELLIPSIS}${after}`;
  return `${before} ${ELLIPSIS} ${after}`;
}

/** Replaces `text[start, end)` with `word` in brackets (e.g. a name with "[my mentor]"). */
export function replaceWith(text: string, start: number, end: number, word: string): string {
  [start, end] = start <= end ? [start, end] : [end, start];
  const b = bracketed(word);
  if (!b || start === end) return text;
  return text.slice(0, start) + b + text.slice(end);
}

/** Every occurrence of `name` (whole words, any case) replaced with `word` in brackets. */
export function replaceAll(text: string, name: string, word: string): string {
  const n = name.trim();
  const b = bracketed(word);
  if (!n || !b) return text;
  const escaped = n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "giu"), b);
}

/** What the edit box holds when it opens: the stored edit or the original. */
export function initialEdit(original: string, edited: string | null): string {
  return edited ?? original;
}

/**
 * The value to store: null when the edit is empty or equal to the
 * original (the engine then prints the original), else the trimmed edit.
 */
export function toStore(original: string, edit: string): string | null {
  const e = edit.trim();
  return !e || e === original.trim() ? null : e;
}

export type DiffPart = { kind: "same" | "removed" | "added"; text: string };

// Words with the spaces after them: spaces are never matched on their own,
// so a replaced word reads as one change rather than a scatter of fragments.
function tokens(s: string): string[] {
  return s.match(/^\s+|\S+\s*/gu) ?? [];
}

/**
 * A word-level comparison of the original and the edit, for showing what
 * was cut or replaced. Runs of the same kind are joined.
 */
export function diffWords(original: string, edited: string): DiffPart[] {
  const a = tokens(original);
  const b = tokens(edited);
  // Longest common subsequence table, from the end.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffPart[] = [];
  const push = (kind: DiffPart["kind"], text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push("same", a[i]);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) push("removed", a[i++]);
    else push("added", b[j++]);
  }
  while (i < a.length) push("removed", a[i++]);
  while (j < b.length) push("added", b[j++]);
  return out;
}
