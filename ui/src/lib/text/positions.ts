/**
 * The UI's one conversion point between text positions.
 *
 * The engine counts Unicode code points (as REFI-QDA does); JavaScript
 * strings and DOM ranges count UTF-16 code units, where a character outside
 * the Basic Multilingual Plane (most emoji, some CJK) takes two. Every
 * position that crosses IPC goes through a `Positions` built for the text,
 * and nowhere else in the UI are the two mixed.
 *
 * A `Positions` remembers where the astral characters are, so each
 * conversion is a binary search rather than a walk over the text.
 */
export class Positions {
  /** UTF-16 index of each astral character (its high surrogate), ascending. */
  private readonly astral: number[] = [];
  /** Length of the text in code points. */
  readonly codePointLength: number;
  /** Length of the text in UTF-16 code units. */
  readonly utf16Length: number;

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          this.astral.push(i);
          i++;
        }
      }
    }
    this.utf16Length = text.length;
    this.codePointLength = text.length - this.astral.length;
  }

  /** UTF-16 index of the code point at `codePoint` (clamped to the text). */
  toUtf16(codePoint: number): number {
    const cp = Math.max(0, Math.min(codePoint, this.codePointLength));
    // The k-th astral character sits at code point astral[k] - k; count
    // those strictly before `cp`, each adding one extra code unit.
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.astral[mid] - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /**
   * Code point index of the UTF-16 index `utf16`. An index that falls
   * between the two halves of a surrogate pair is moved to the start of the
   * character when `bias` is "start" and past it when "end", so a selection
   * never splits an emoji.
   */
  toCodePoint(utf16: number, bias: "start" | "end" = "start"): number {
    const u = Math.max(0, Math.min(utf16, this.utf16Length));
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.astral[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    // `lo` astral characters start before `u`. If the last of them started
    // at u - 1, `u` points at its low surrogate.
    if (lo > 0 && this.astral[lo - 1] === u - 1) {
      return bias === "start" ? u - 1 - (lo - 1) : u - (lo - 1);
    }
    return u - lo;
  }

  /** Converts a code point range to a UTF-16 range. */
  rangeToUtf16(start: number, end: number): [number, number] {
    return [this.toUtf16(start), this.toUtf16(end)];
  }

  /** Converts a UTF-16 range (e.g. a DOM selection) to code points, never splitting a character. */
  rangeToCodePoints(start: number, end: number): [number, number] {
    return [this.toCodePoint(start, "start"), this.toCodePoint(end, "end")];
  }
}

/** Slices `text` by code points, as the engine would. */
export function sliceCodePoints(text: string, start: number, end: number): string {
  const p = new Positions(text);
  const [a, b] = p.rangeToUtf16(start, end);
  return text.slice(a, b);
}
