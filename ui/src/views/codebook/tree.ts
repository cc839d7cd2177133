/**
 * The codebook tree's moves, as `code_move(code, parent, index)` calls:
 * up and down among siblings, indent (become the last sub-code of the code
 * above) and outdent (follow the parent). Null when the move is impossible.
 */
import type { Code } from "../../lib/ipc/bindings/Code";

export type Move = { code: number; parent: number | null; index: number };

function siblings(codes: Code[], parent: number | null): Code[] {
  return codes.filter((c) => c.parent === parent).sort((a, b) => a.position - b.position);
}

export function moveUp(codes: Code[], code: Code): Move | null {
  const sib = siblings(codes, code.parent);
  const i = sib.findIndex((c) => c.id === code.id);
  return i > 0 ? { code: code.id, parent: code.parent, index: i - 1 } : null;
}

export function moveDown(codes: Code[], code: Code): Move | null {
  const sib = siblings(codes, code.parent);
  const i = sib.findIndex((c) => c.id === code.id);
  return i >= 0 && i < sib.length - 1 ? { code: code.id, parent: code.parent, index: i + 1 } : null;
}

export function indent(codes: Code[], code: Code): Move | null {
  const sib = siblings(codes, code.parent);
  const i = sib.findIndex((c) => c.id === code.id);
  if (i <= 0) return null;
  const above = sib[i - 1];
  return { code: code.id, parent: above.id, index: siblings(codes, above.id).length };
}

export function outdent(codes: Code[], code: Code): Move | null {
  if (code.parent == null) return null;
  const parent = codes.find((c) => c.id === code.parent);
  if (!parent) return null;
  const sib = siblings(codes, parent.parent);
  const i = sib.findIndex((c) => c.id === parent.id);
  return { code: code.id, parent: parent.parent, index: i + 1 };
}

/** Every code under `id` (not `id` itself). */
export function descendants(codes: Code[], id: number): Set<number> {
  const out = new Set<number>();
  let frontier = [id];
  while (frontier.length) {
    const next: number[] = [];
    for (const c of codes) if (c.parent != null && frontier.includes(c.parent) && !out.has(c.id)) (out.add(c.id), next.push(c.id));
    frontier = next;
  }
  return out;
}
