/**
 * The Themes screen's state: the board (themes, their codes and counts),
 * the codes not yet in a theme, and the selected theme's passages and
 * quotes. Components call these methods; the methods call the IPC client
 * and reload what changed.
 */
import { themes, quotes } from "../../lib/ipc/api/themes";
import type { Code } from "../../lib/ipc/bindings/Code";
import type { CodeId } from "../../lib/ipc/bindings/CodeId";
import type { GroupedCounts } from "../../lib/ipc/bindings/GroupedCounts";
import type { Passage } from "../../lib/ipc/bindings/Passage";
import type { Theme } from "../../lib/ipc/bindings/Theme";
import type { ThemeBoard } from "../../lib/ipc/bindings/ThemeBoard";
import type { ThemeId } from "../../lib/ipc/bindings/ThemeId";
import { notices } from "../../lib/state/notices.svelte";
import { preferredAttribute } from "./exportOptions";

/** The value of a case attribute among a passage's attributes, matched without regard to case. */
export function attributeValue(attributes: Record<string, string>, name: string): string | null {
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : attributes[key];
}

/** Passages whose case has `attribute = value` ("" shows all). */
export function filterPassages(passages: Passage[], attribute: string, value: string): Passage[] {
  if (!attribute || !value) return passages;
  return passages.filter((p) => (attributeValue(p.attributes, attribute) ?? "(none)") === value);
}

/** The starred quotes among passages, in their order. */
export function starred(passages: Passage[]): Passage[] {
  return passages
    .filter((p) => p.quote?.starred)
    .sort((a, b) => (a.quote!.position - b.quote!.position) || a.consensus_id - b.consensus_id);
}

export class BoardState {
  board = $state<ThemeBoard | null>(null);
  codes = $state<Record<number, Code>>({});
  /** Case attributes, for counts by group. */
  attributes = $state<string[]>([]);
  groupBy = $state("");
  selected = $state<ThemeId | null>(null);
  passages = $state<Passage[]>([]);
  /** Show only passages of cases with `groupBy = groupFilter` ("" for all). */
  groupFilter = $state("");
  loading = $state(true);
  error = $state<string | null>(null);
  passagesLoading = $state(false);

  /** Themes by parent (`0` for the top level), in order. */
  children = $derived.by(() => {
    const out = new Map<number, Theme[]>();
    for (const t of this.board?.themes ?? []) {
      const k = (t.parent as number | null) ?? 0;
      if (!out.has(k)) out.set(k, []);
      out.get(k)!.push(t);
    }
    for (const list of out.values()) list.sort((a, b) => Number(a.position) - Number(b.position));
    return out;
  });

  /** The groups the counts are split into (values of `groupBy`), in order. */
  groupNames = $derived.by(() => {
    const names = new Set<string>();
    for (const c of Object.values(this.board?.code_counts ?? {}))
      for (const g of Object.keys((c as GroupedCounts).groups)) names.add(g);
    return [...names].sort((a, b) => (a === "(none)" ? 1 : b === "(none)" ? -1 : a.localeCompare(b)));
  });

  selectedTheme = $derived(this.board?.themes.find((t) => t.id === this.selected) ?? null);

  /** Group values present in the selected theme's passages. */
  groupValues = $derived.by(() => {
    if (!this.groupBy) return [];
    const values = new Set(this.passages.map((p) => attributeValue(p.attributes, this.groupBy) ?? "(none)"));
    return [...values].sort();
  });

  shownPassages = $derived(filterPassages(this.passages, this.groupBy, this.groupFilter));
  starredQuotes = $derived(starred(this.passages));

  async load() {
    this.loading = true;
    try {
      const [codes, attrs] = await Promise.all([themes.codes(), themes.attributes()]);
      this.codes = Object.fromEntries(codes.map((c) => [c.id as number, c]));
      // Grouping makes sense for attributes with a few values (role, fellowship type).
      this.attributes = attrs.filter((a) => a.values.length > 0 && a.values.length <= 12).map((a) => a.name);
      if (!this.groupBy) this.groupBy = preferredAttribute(this.attributes, ["role", "group"]);
      await this.reload();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  async reload() {
    this.board = await themes.board(this.groupBy || null);
    if (this.selected !== null && !this.board.themes.some((t) => t.id === this.selected)) this.select(null);
  }

  async setGroupBy(name: string) {
    this.groupBy = name;
    this.groupFilter = "";
    await this.guard(() => this.reload());
  }

  theme(id: ThemeId): Theme | undefined {
    return this.board?.themes.find((t) => t.id === id);
  }

  themeCounts(id: ThemeId): GroupedCounts | undefined {
    return this.board?.theme_counts[id];
  }

  codeCounts(id: CodeId): GroupedCounts | undefined {
    return this.board?.code_counts[id];
  }

  /** The theme a code is in, if any. */
  themeOf(code: CodeId): Theme | undefined {
    return this.board?.themes.find((t) => t.codes.includes(code));
  }

  /** Full name for menus: "Parent › Child". */
  path(t: Theme): string {
    const parent = t.parent !== null ? this.theme(t.parent) : undefined;
    return parent ? `${this.path(parent)} › ${t.name}` : t.name;
  }

  /** Runs a change, reporting failure as a notice; reloads the board after it. */
  private async guard(action: () => Promise<unknown>, after = true): Promise<boolean> {
    try {
      await action();
      if (after) await this.reload();
      return true;
    } catch (e) {
      notices.show(e instanceof Error ? e.message : String(e), "error");
      if (after) await this.reload().catch(() => {});
      return false;
    }
  }

  async create(name: string, parent: ThemeId | null = null): Promise<Theme | null> {
    let made: Theme | null = null;
    await this.guard(async () => {
      made = await themes.create(parent, { name, description: "" });
    });
    return made;
  }

  async update(id: ThemeId, name: string, description: string, attributes: Array<[string, string]>) {
    const before = this.theme(id);
    return this.guard(async () => {
      await themes.update(id, { name, description });
      const keep = new Set(attributes.map(([k]) => k.trim()).filter(Boolean));
      for (const old of Object.keys(before?.attributes ?? {}))
        if (!keep.has(old)) await themes.setAttribute(id, old, null);
      for (const [k, v] of attributes)
        if (k.trim() && (before?.attributes[k.trim()] ?? "") !== v.trim())
          await themes.setAttribute(id, k.trim(), v.trim() || null);
    });
  }

  async assign(code: CodeId, theme: ThemeId | null, index?: number) {
    const target = theme !== null ? this.theme(theme) : undefined;
    const at = index ?? target?.codes.filter((c) => c !== code).length ?? 0;
    const ok = await this.guard(() => themes.assignCode(code, theme, at));
    if (ok) {
      const name = this.codes[code as number]?.name ?? "The code";
      notices.show(target ? `“${name}” is now in ${target.name}` : `“${name}” is no longer in a theme`, "ok", 2500);
      if (this.selected !== null) await this.loadPassages();
    }
  }

  /** Moves a theme among its siblings by `delta` places. */
  async shift(id: ThemeId, delta: number) {
    const t = this.theme(id);
    if (!t) return;
    const siblings = this.children.get((t.parent as number | null) ?? 0) ?? [];
    const i = siblings.findIndex((s) => s.id === id);
    const j = Math.max(0, Math.min(siblings.length - 1, i + delta));
    if (i === j) return;
    await this.guard(() => themes.move(id, t.parent, j));
  }

  /** Places a theme just before `before`, as its sibling. */
  async placeBefore(id: ThemeId, before: ThemeId) {
    const b = this.theme(before);
    if (!b || id === before) return;
    const siblings = (this.children.get((b.parent as number | null) ?? 0) ?? []).filter((s) => s.id !== id);
    await this.guard(() => themes.move(id, b.parent, siblings.findIndex((s) => s.id === before)));
  }

  /** Makes a theme a sub-theme of `parent` (last among its sub-themes), or top level with null. */
  async nest(id: ThemeId, parent: ThemeId | null) {
    const siblings = (this.children.get((parent as number | null) ?? 0) ?? []).filter((s) => s.id !== id);
    await this.guard(() => themes.move(id, parent, siblings.length));
  }

  async remove(id: ThemeId) {
    const t = this.theme(id);
    const ok = await this.guard(() => themes.remove(id));
    if (ok && t) notices.show(`Deleted the theme “${t.name}”`, "info");
  }

  async select(id: ThemeId | null) {
    this.selected = id;
    this.groupFilter = "";
    this.passages = [];
    if (id !== null) await this.loadPassages();
  }

  async loadPassages() {
    const id = this.selected;
    if (id === null) return;
    this.passagesLoading = true;
    try {
      const list = await themes.passages(id);
      if (this.selected === id) this.passages = list;
    } catch (e) {
      notices.show(e instanceof Error ? e.message : String(e), "error");
    } finally {
      this.passagesLoading = false;
    }
  }

  async star(p: Passage, on: boolean) {
    if (this.selected === null) return;
    const theme = this.selected;
    await this.guard(() => quotes.star(theme, p.consensus_id, on), false);
    await this.loadPassages();
  }

  /** Moves a starred quote by `delta` places among the theme's starred quotes. */
  async shiftQuote(p: Passage, delta: number) {
    const list = this.starredQuotes;
    const i = list.findIndex((x) => x.consensus_id === p.consensus_id);
    const j = Math.max(0, Math.min(list.length - 1, i + delta));
    if (i < 0 || i === j || !p.quote) return;
    const id = p.quote.id;
    await this.guard(() => quotes.move(id, j), false);
    await this.loadPassages();
  }

  async editQuote(p: Passage, edited: string | null) {
    if (!p.quote) return false;
    const id = p.quote.id;
    const ok = await this.guard(() => quotes.edit(id, edited), false);
    await this.loadPassages();
    return ok;
  }
}
