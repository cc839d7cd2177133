/**
 * How the agreement screen shows, sorts and marks statistics. Pure functions,
 * tested in statistics.test.ts.
 *
 * A statistic the data cannot give is `{kind: "undefined", reason}`; it is
 * shown as the word "undefined" with the reason on hover and is never turned
 * into 0 or NaN — not for display, not for sorting, not for the chart.
 */
import type { CodeAgreement } from "../../lib/ipc/bindings/CodeAgreement";
import type { Statistic } from "../../lib/ipc/bindings/Statistic";
import type { UndefinedReason } from "../../lib/ipc/bindings/UndefinedReason";

/** Why a statistic is undefined, in a researcher's words (mirrors the engine's explanations). */
export const REASONS: Record<UndefinedReason, string> = {
  no_pairable_units: "No unit has values from at least two coders, so there is nothing to compare.",
  no_complete_units: "No unit was coded by every coder, and Fleiss' kappa uses only those units.",
  chance_agreement_is_one:
    "The coders used a single category, and the same one (e.g. neither ever applied the code), so the agreement expected by chance is 1 and kappa is 0/0.",
  no_disagreement_expected:
    "All values are in a single category, so the disagreement expected by chance is 0 and alpha is 0/0.",
  fewer_than_two_categories: "There are fewer than two categories, so the coefficient is undefined.",
  no_codings: "Neither coder made a coding, so there is nothing to match.",
};

export interface Shown {
  /** What the cell says: "0.874", "99.5%" or "undefined". */
  text: string;
  /** Hover text: the reason when undefined, otherwise the exact value. */
  title: string;
  defined: boolean;
}

/** The value of a statistic, or null when it is undefined. */
export function valueOf(s: Statistic | null | undefined): number | null {
  return s && s.kind === "defined" && Number.isFinite(s.value) ? s.value : null;
}

/** A coefficient with three decimals (kappa, alpha), as the exported report prints it. */
export function coefficient(s: Statistic): Shown {
  if (s.kind === "undefined") return { text: "undefined", title: REASONS[s.reason], defined: false };
  return { text: s.value.toFixed(3), title: String(s.value), defined: true };
}

/** A proportion shown as a percentage with one decimal. */
export function percent(s: Statistic): Shown {
  if (s.kind === "undefined") return { text: "undefined", title: REASONS[s.reason], defined: false };
  return { text: `${(s.value * 100).toFixed(1)}%`, title: String(s.value), defined: true };
}

/** Columns of the per-code table that can be sorted. */
export type SortKey =
  | "path"
  | "codingsA"
  | "codingsB"
  | "units"
  | "agreement"
  | "kappa"
  | "alpha"
  | "bp"
  | "segments"
  | "segmentAgreement";

export interface Sort {
  key: SortKey;
  dir: "asc" | "desc";
}

/** The value a row is sorted by: a number, a string, or null for "undefined". */
export function sortValue(row: CodeAgreement, key: SortKey): number | string | null {
  switch (key) {
    case "path":
      return row.path;
    case "codingsA":
      return row.codings[0] ?? 0;
    case "codingsB":
      return row.codings[1] ?? 0;
    case "units":
      return row.summary.units;
    case "agreement":
      return valueOf(row.summary.percent_agreement);
    case "kappa":
      return valueOf(row.summary.kappa);
    case "alpha":
      return valueOf(row.summary.krippendorff_alpha);
    case "bp":
      return valueOf(row.summary.brennan_prediger_kappa);
    case "segments":
      return row.segments.matched;
    case "segmentAgreement":
      return valueOf(row.segments.agreement);
  }
}

/**
 * The rows sorted by `sort`. Rows whose statistic is undefined go last in
 * either direction (they are not "lowest"); ties keep codebook order.
 */
export function sortRows(rows: CodeAgreement[], sort: Sort | null): CodeAgreement[] {
  const indexed = rows.map((row, i) => ({ row, i }));
  if (!sort) return rows.slice();
  const sign = sort.dir === "asc" ? 1 : -1;
  indexed.sort((x, y) => {
    const a = sortValue(x.row, sort.key);
    const b = sortValue(y.row, sort.key);
    if (a === null && b === null) return x.i - y.i;
    if (a === null) return 1;
    if (b === null) return -1;
    const c =
      typeof a === "string" && typeof b === "string"
        ? a.localeCompare(b, undefined, { sensitivity: "base", numeric: true })
        : (a as number) - (b as number);
    return c !== 0 ? sign * c : x.i - y.i;
  });
  return indexed.map((x) => x.row);
}

/** The next sort after clicking a column: a new column sorts descending for numbers, ascending for names. */
export function nextSort(current: Sort | null, key: SortKey): Sort | null {
  if (current?.key === key) {
    if ((key === "path") === (current.dir === "asc")) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
    return null; // third click: back to codebook order
  }
  return { key, dir: key === "path" ? "asc" : "desc" };
}

/**
 * Where a code stands against the kappa threshold the team set: `below`
 * marks it for attention; `undefined` says kappa cannot be judged.
 */
export function kappaStanding(row: CodeAgreement, threshold: number): "ok" | "below" | "undefined" {
  const k = valueOf(row.summary.kappa);
  if (k === null) return "undefined";
  return k < threshold ? "below" : "ok";
}

/** Codes whose kappa is below the threshold. */
export function belowThreshold(rows: CodeAgreement[], threshold: number): CodeAgreement[] {
  return rows.filter((r) => kappaStanding(r, threshold) === "below");
}

/** A conventional verbal label of a kappa (Landis & Koch, 1977), for hover text only. */
export function landisKoch(k: number): string {
  if (k < 0) return "poor (below chance)";
  if (k <= 0.2) return "slight";
  if (k <= 0.4) return "fair";
  if (k <= 0.6) return "moderate";
  if (k <= 0.8) return "substantial";
  return "almost perfect";
}
