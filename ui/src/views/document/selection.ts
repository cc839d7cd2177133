/**
 * Turning a DOM selection inside the document text into a UTF-16 range of
 * the whole source text. Every text node of the document sits in a segment
 * element carrying `data-u16` (the UTF-16 index of its first character in
 * the source); code points are computed from the result by `Positions`
 * (ui/src/lib/text/positions.ts), the UI's one conversion point.
 */

function segmentOf(node: Node | null): HTMLElement | null {
  const el = node instanceof Element ? node : (node?.parentElement ?? null);
  return el?.closest<HTMLElement>("[data-u16]") ?? null;
}

/**
 * The UTF-16 index in the source of a DOM boundary point. A point inside a
 * segment's text maps directly; a point between elements (a header, the
 * edge of a unit) moves to the nearest text in the direction that keeps the
 * selection inside what the user selected.
 */
export function boundaryToUtf16(root: Element, node: Node, offset: number, edge: "start" | "end"): number | null {
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = segmentOf(node);
    if (seg && root.contains(seg)) return Number(seg.dataset.u16) + offset;
  }
  const point = document.createRange();
  point.setStart(node, offset);
  const segs = Array.from(root.querySelectorAll<HTMLElement>("[data-u16]"));
  if (edge === "start") {
    for (const s of segs) {
      // The first segment that starts at or after the point.
      if (point.comparePoint(s, 0) >= 0) return Number(s.dataset.u16);
    }
    return null;
  }
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = segs[i];
    if (point.comparePoint(s, s.childNodes.length) <= 0) return Number(s.dataset.u16) + (s.textContent ?? "").length;
  }
  return null;
}

/** The selection's UTF-16 range in the source, or null when it is empty or outside `root`. */
export function selectionToUtf16(root: Element, sel: Selection | null): [number, number] | null {
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  if (!root.contains(r.commonAncestorContainer)) return null;
  const a = boundaryToUtf16(root, r.startContainer, r.startOffset, "start");
  const b = boundaryToUtf16(root, r.endContainer, r.endOffset, "end");
  if (a === null || b === null || b <= a) return null;
  return [a, b];
}
