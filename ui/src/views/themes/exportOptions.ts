/**
 * The theme-table export form: what the user chose, turned into the
 * engine's `ThemeTableOptions`, and the file name that matches the format.
 * Pure functions, so the dialog holds no logic of its own.
 */
import type { QuoteSelection } from "../../lib/ipc/bindings/QuoteSelection";
import type { TableFormat } from "../../lib/ipc/bindings/TableFormat";
import type { ThemeTableOptions } from "../../lib/ipc/bindings/ThemeTableOptions";

export type QuoteChoice = "starred" | "all" | "top";

export interface ExportForm {
  title: string;
  /** Case attribute to group by; "" for none. */
  groupBy: string;
  /** Theme attribute to split by; "" for none. */
  splitBy: string;
  quotes: QuoteChoice;
  /** For "top": at most this many starred quotes per row. */
  topN: number;
  counts: boolean;
  quoteSources: boolean;
  format: TableFormat;
  path: string;
}

export const FORMATS: Array<{ format: TableFormat; label: string; ext: string; name: string }> = [
  { format: "docx", label: "Word", ext: "docx", name: "Word document" },
  { format: "xlsx", label: "Excel", ext: "xlsx", name: "Excel workbook" },
  { format: "csv", label: "CSV", ext: "csv", name: "CSV file" },
  { format: "markdown", label: "Markdown", ext: "md", name: "Markdown file" },
  { format: "html", label: "HTML", ext: "html", name: "Web page" },
];

export const DEFAULT_TITLE = "Table 1. Themes and representative quotes";

/** The extension a format is saved with. */
export function extensionOf(format: TableFormat): string {
  return FORMATS.find((f) => f.format === format)?.ext ?? format;
}

/** The format a file name asks for, by its extension; null when unknown. */
export function formatOfPath(path: string): TableFormat | null {
  const m = /\.([A-Za-z]+)$/.exec(path.trim());
  if (!m) return null;
  const ext = m[1].toLowerCase();
  if (ext === "markdown") return "markdown";
  if (ext === "htm") return "html";
  return FORMATS.find((f) => f.ext === ext)?.format ?? null;
}

/**
 * `path` with the extension of `format`: a known table extension is
 * replaced, any other name gets the extension appended. An empty path stays empty.
 */
export function withExtension(path: string, format: TableFormat): string {
  const p = path.trim();
  if (!p) return p;
  const ext = extensionOf(format);
  if (formatOfPath(p) !== null) return p.replace(/\.[A-Za-z]+$/, `.${ext}`);
  return `${p}.${ext}`;
}

/** The quote selection the engine takes. */
export function quoteSelection(form: Pick<ExportForm, "quotes" | "topN">): QuoteSelection {
  switch (form.quotes) {
    case "all":
      return { kind: "all" };
    case "top":
      return { kind: "top", n: Math.max(0, Math.floor(form.topN)) };
    default:
      return { kind: "starred" };
  }
}

/** The engine's options for the form. */
export function tableOptions(form: ExportForm): ThemeTableOptions {
  return {
    group_by: form.groupBy.trim() || null,
    split_by: form.splitBy.trim() || null,
    quotes: quoteSelection(form),
    counts: form.counts,
    quote_sources: form.quoteSources,
    group_heading: null,
    split_heading: null,
  };
}

/** What stops the export, in words for the user; null when it can run. */
export function problemWith(form: ExportForm): string | null {
  if (!form.path.trim()) return "Choose where to save the table.";
  if (form.quotes === "top" && (!Number.isInteger(form.topN) || form.topN < 1))
    return "The number of quotes per theme must be a whole number of at least 1.";
  const asked = formatOfPath(form.path);
  if (asked !== null && asked !== form.format)
    return `The file name ends in .${form.path.trim().split(".").pop()}, but the format is ${
      FORMATS.find((f) => f.format === form.format)?.label
    }.`;
  return null;
}

/** A sensible first choice of grouping: "role" when the study has it. */
export function preferredAttribute(names: string[], preferred: string[]): string {
  for (const want of preferred) {
    const hit = names.find((n) => n.toLowerCase() === want);
    if (hit) return hit;
  }
  return "";
}

/** Folder of a file path (either separator). */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i > 0 ? path.slice(0, i) : "";
}

/** Joins a folder and a file name with the folder's separator. */
export function joinPath(folder: string, name: string): string {
  if (!folder) return name;
  const sep = folder.includes("\\") && !folder.includes("/") ? "\\" : "/";
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

/**
 * `text` in typographic quotation marks; a passage already standing in one
 * pair of quotation marks keeps one pair, as the engine's exports do.
 */
export function quoted(text: string): string {
  const t = text.trim();
  for (const [open, close] of [['"', '"'], ["“", "”"], ["„", "“"], ["«", "»"]]) {
    if (t.length >= 2 && t.startsWith(open) && t.endsWith(close)) {
      const inner = t.slice(open.length, t.length - close.length);
      if (!inner.includes(open) && !inner.includes(close)) return `“${inner.trim()}”`;
    }
  }
  return `“${t}”`;
}

/** A quote as the exported table prints it: in quotation marks, then "— source, case" when asked. */
export function quoteLine(
  q: { text: string; source: string; case_name: string | null },
  withSource: boolean,
): string {
  let line = quoted(q.text);
  if (withSource) {
    const parts = [q.source, q.case_name ?? ""].map((s) => s.trim()).filter(Boolean);
    if (parts.length) line += ` — ${parts.join(", ")}`;
  }
  return line;
}

/** The counts column: "passages (sources, cases)". */
export function countsText(c: { passages: number; sources: number; cases: number } | null): string {
  return c ? `${c.passages} (${c.sources}, ${c.cases})` : "";
}
