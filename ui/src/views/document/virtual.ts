/**
 * The document view's virtual window: which units to render for a scroll
 * position, given each unit's (measured or estimated) height.
 *
 * Only the units on screen, plus a few either side, are in the DOM, so a
 * 300,000-character transcript with thousands of turns opens as fast as a
 * short one. Heights start as estimates from the text length and are
 * replaced by measurements as units are rendered.
 */

/** Prefix sums of heights: `offsets[i]` is the top of unit i, `offsets[n]` the total. */
export function prefixOffsets(heights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) out[i + 1] = out[i] + heights[i];
  return out;
}

/** Index of the unit that contains vertical position `y` (clamped). */
export function unitAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The half-open range of units to render for a viewport at `scrollTop` of
 * height `viewport`, with `overscan` units beyond each edge.
 */
export function visibleRange(
  offsets: Float64Array,
  scrollTop: number,
  viewport: number,
  overscan = 4,
): [number, number] {
  const n = offsets.length - 1;
  if (n <= 0) return [0, 0];
  const first = unitAt(offsets, Math.max(0, scrollTop));
  const last = unitAt(offsets, scrollTop + Math.max(viewport, 1));
  return [Math.max(0, first - overscan), Math.min(n, last + 1 + overscan)];
}

/**
 * A first guess at a unit's rendered height, before it is measured: its
 * lines at `charsPerLine` characters of `lineHeight` pixels, plus `chrome`
 * (header and spacing).
 */
export function estimateHeight(length: number, charsPerLine: number, lineHeight: number, chrome: number): number {
  const lines = Math.max(1, Math.ceil(length / Math.max(10, charsPerLine)));
  return chrome + lines * lineHeight;
}
