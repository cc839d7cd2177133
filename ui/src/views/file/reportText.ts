/** Plain-language lines for the reports of exchanges and merges. */
import type { ExchangeCounts } from "../../lib/ipc/bindings/ExchangeCounts";
import type { ExchangeReport } from "../../lib/ipc/bindings/ExchangeReport";

const NOUNS: Array<[keyof ExchangeCounts, string, string]> = [
  ["sources", "source", "sources"],
  ["units", "unit", "units"],
  ["codes", "code", "codes"],
  ["coders", "coder", "coders"],
  ["codings", "coding", "codings"],
  ["consensus_codings", "consensus coding", "consensus codings"],
  ["cases", "case", "cases"],
  ["attributes", "attribute", "attributes"],
  ["attribute_values", "attribute value", "attribute values"],
  ["memos", "memo", "memos"],
];

/** "3 sources, 21 codes, …" — the non-zero counts, or "nothing" when all are zero. */
export function countsLine(c: ExchangeCounts): string {
  const parts = NOUNS.filter(([k]) => Number(c[k]) > 0).map(
    ([k, one, many]) => `${Number(c[k]).toLocaleString("en")} ${Number(c[k]) === 1 ? one : many}`,
  );
  return parts.length ? parts.join(", ") : "nothing";
}

/** The heading of a report: what was done, in the past tense. */
export function actionLine(r: ExchangeReport): string {
  switch (r.action) {
    case "export_qdpx":
      return "Exported the project";
    case "import_qdpx":
      return "Imported a new project";
    case "merge_qdpx":
      return "Merged the coding";
    case "export_qdc":
      return "Exported the codebook";
    case "import_qdc":
      return "Imported the codebook";
  }
}

/** The word for what `written` means in this report. */
export function writtenLabel(r: ExchangeReport): string {
  return r.action.startsWith("export") ? "Written to the file" : "Added to the project";
}
