/**
 * The code palette's logic: filtering the codebook as the user types and
 * the list of recently used codes that number keys 1–9 apply.
 */
import type { Code } from "../../lib/ipc/bindings/Code";

export interface PaletteEntry {
  code: Code;
  /** "Parent › Child", for telling apart codes with the same name. */
  path: string;
  depth: number;
}

/** The codebook in tree order with each code's path and depth. */
export function entries(codes: Code[]): PaletteEntry[] {
  const byId = new Map(codes.map((c) => [c.id, c]));
  const pathOf = (c: Code): string[] => {
    const names = [c.name];
    let p = c.parent;
    const seen = new Set<number>();
    while (p != null && !seen.has(p)) {
      seen.add(p);
      const parent = byId.get(p);
      if (!parent) break;
      names.unshift(parent.name);
      p = parent.parent;
    }
    return names;
  };
  return codes.map((code) => {
    const names = pathOf(code);
    return { code, path: names.join(" › "), depth: names.length - 1 };
  });
}

function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * Entries matching `query`, best first: names starting with the query, then
 * names with a word starting with it, then names or paths containing it,
 * then codes whose description mentions it. Accents and case are ignored
 * ("strategie" finds "Stratégie"). An empty query keeps the tree order.
 */
export function filterEntries(all: PaletteEntry[], query: string): PaletteEntry[] {
  const q = fold(query.trim());
  if (!q) return all;
  const scored: Array<[number, number, PaletteEntry]> = [];
  all.forEach((e, i) => {
    const name = fold(e.code.name);
    let score = -1;
    if (name.startsWith(q)) score = 0;
    else if (name.split(/[\s\-–—/]+/).some((w) => w.startsWith(q))) score = 1;
    else if (name.includes(q) || fold(e.path).includes(q)) score = 2;
    else if (fold(e.code.description).includes(q)) score = 3;
    if (score >= 0) scored.push([score, i, e]);
  });
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return scored.map((s) => s[2]);
}

/** At most nine recent codes, most recent first: number keys 1–9. */
export const RECENT_MAX = 9;

/** The recent list after applying `used` together (the first of them becomes key 1). */
export function pushRecent(recent: number[], used: number[]): number[] {
  const front = used.filter((id, i, a) => a.indexOf(id) === i);
  return [...front, ...recent.filter((id) => !front.includes(id))].slice(0, RECENT_MAX);
}

/** The code a number key applies ("1" is the most recent), or null. */
export function recentForKey(recent: number[], key: string): number | null {
  if (!/^[1-9]$/.test(key)) return null;
  return recent[Number(key) - 1] ?? null;
}

/** Drops codes that no longer exist (deleted or merged away). */
export function pruneRecent(recent: number[], codes: Code[]): number[] {
  const ids = new Set(codes.map((c) => c.id));
  return recent.filter((id) => ids.has(id));
}
