/**
 * Cutting a unit's text into segments at every coding, passage and
 * selection boundary, so each segment is drawn with the codings over it.
 *
 * Positions here are code points (as the engine gives them); each segment
 * also carries its UTF-16 start in the whole text, computed through
 * `Positions`, so that a DOM selection inside it converts back exactly.
 */
import type { Positions } from "../../lib/text/positions";

/** What the document draws of a coding (a coder's or the consensus's). */
export interface Mark {
  id: number;
  code: number;
  start: number;
  end: number;
  memo: string;
}

export interface Segment {
  /** Code point range in the source. */
  start: number;
  end: number;
  /** UTF-16 index of `start` in the source text. */
  u16: number;
  text: string;
  /** The marks covering the segment, shortest first (the innermost is drawn on top). */
  marks: Mark[];
  /** Inside the passage asked for (a search hit). */
  passage: boolean;
  /** Inside the span about to be coded. */
  pending: boolean;
}

/** Consecutive segments, grouped by whether they lie in the highlighted passage. */
export interface Run {
  passage: boolean;
  segments: Segment[];
}

type Span = [number, number] | null;

/** Marks that overlap `[start, end)`; `marks` sorted by start. */
export function marksIn(marks: Mark[], start: number, end: number): Mark[] {
  const out: Mark[] = [];
  for (const m of marks) {
    if (m.start >= end) break;
    if (m.end > start) out.push(m);
  }
  return out;
}

/** Cuts `[start, end)` of `text` into segments. `marks` must overlap the range. */
export function segments(
  text: string,
  positions: Positions,
  start: number,
  end: number,
  marks: Mark[],
  passage: Span = null,
  pending: Span = null,
): Segment[] {
  const cuts = new Set<number>([start, end]);
  const within = (p: number) => p > start && p < end;
  for (const m of marks) {
    if (within(m.start)) cuts.add(m.start);
    if (within(m.end)) cuts.add(m.end);
  }
  for (const s of [passage, pending]) {
    if (!s) continue;
    if (within(s[0])) cuts.add(s[0]);
    if (within(s[1])) cuts.add(s[1]);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const inside = (s: Span, a: number, b: number) => s !== null && s[0] <= a && b <= s[1] && s[0] < s[1];
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const [ua, ub] = positions.rangeToUtf16(a, b);
    const covering = marks
      .filter((m) => m.start <= a && b <= m.end)
      .sort((x, y) => x.end - x.start - (y.end - y.start) || x.id - y.id);
    out.push({
      start: a,
      end: b,
      u16: ua,
      text: text.slice(ua, ub),
      marks: covering,
      passage: inside(passage, a, b),
      pending: inside(pending, a, b),
    });
  }
  return out;
}

/** Groups segments into runs, so a passage is wrapped in one element. */
export function runs(segs: Segment[]): Run[] {
  const out: Run[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (last && last.passage === s.passage) last.segments.push(s);
    else out.push({ passage: s.passage, segments: [s] });
  }
  return out;
}

/** A colour `#rrggbb` at `alpha`, as CSS. */
export function tint(hex: string, alpha: number): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return `rgba(128, 128, 128, ${alpha})`;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * Lanes for margin stripes: each interval gets the lowest lane free at its
 * start, so overlapping codings stand side by side. Returns a lane per
 * interval (same order) and the number of lanes.
 */
export function lanes(intervals: Array<[number, number]>): { lane: number[]; count: number } {
  const order = intervals.map((_, i) => i).sort((a, b) => intervals[a][0] - intervals[b][0] || intervals[b][1] - intervals[a][1]);
  const laneEnd: number[] = [];
  const lane = new Array<number>(intervals.length).fill(0);
  for (const i of order) {
    const [s, e] = intervals[i];
    let l = laneEnd.findIndex((end) => end <= s);
    if (l === -1) {
      l = laneEnd.length;
      laneEnd.push(e);
    } else laneEnd[l] = e;
    lane[i] = l;
  }
  return { lane, count: laneEnd.length };
}
