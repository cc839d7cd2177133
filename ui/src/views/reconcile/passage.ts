/**
 * Cuts a passage into pieces by who coded them, for the side-by-side panes.
 * Positions arrive in code points (absolute in the source); the pieces are
 * UTF-16 slices of the passage, converted only through `Positions`.
 */
import { Positions } from "../../lib/text/positions";

export interface Piece {
  text: string;
  /** Coded by A / by B (with this discrepancy's code). */
  a: boolean;
  b: boolean;
  /** Inside one of the extra spans given (e.g. the consensus or an edited span). */
  mark: boolean;
}

type Span = { start: number; end: number };

/**
 * The passage as pieces with a constant coverage. `passageStart` is the
 * passage's first code point in the source; spans are absolute.
 */
export function pieces(passage: string, passageStart: number, a: Span[], b: Span[], marks: Span[] = []): Piece[] {
  const pos = new Positions(passage);
  const len = pos.codePointLength;
  const rel = (s: Span) => ({
    start: Math.max(0, Math.min(len, s.start - passageStart)),
    end: Math.max(0, Math.min(len, s.end - passageStart)),
  });
  const ra = a.map(rel);
  const rb = b.map(rel);
  const rm = marks.map(rel);
  const cuts = new Set<number>([0, len]);
  for (const s of [...ra, ...rb, ...rm]) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const sorted = [...cuts].sort((x, y) => x - y);
  const inside = (list: Span[], at: number) => list.some((s) => s.start <= at && at < s.end);
  const out: Piece[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [s, e] = [sorted[i], sorted[i + 1]];
    if (s === e) continue;
    const [u0, u1] = pos.rangeToUtf16(s, e);
    const piece = { text: passage.slice(u0, u1), a: inside(ra, s), b: inside(rb, s), mark: inside(rm, s) };
    const last = out[out.length - 1];
    if (last && last.a === piece.a && last.b === piece.b && last.mark === piece.mark) last.text += piece.text;
    else out.push(piece);
  }
  return out;
}
