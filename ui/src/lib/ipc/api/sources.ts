/**
 * IPC wrappers: Sources, import, cases and search (the import-and-search screens).
 * Used by SourcesScreen, ImportDialog, CasesScreen, SearchScreen. Every call goes through `call` in ../client.
 */
import { Channel } from "@tauri-apps/api/core";
import { call } from "../client";
import type { Attribute } from "../bindings/Attribute";
import type { Case } from "../bindings/Case";
import type { Code } from "../bindings/Code";
import type { FilePreview } from "../bindings/FilePreview";
import type { ImportReport } from "../bindings/ImportReport";
import type { ImportRequest } from "../bindings/ImportRequest";
import type { IndexStatus } from "../bindings/IndexStatus";
import type { Progress } from "../bindings/Progress";
import type { SearchQuery } from "../bindings/SearchQuery";
import type { SearchResults } from "../bindings/SearchResults";
import type { Source } from "../bindings/Source";
import type { SourceText } from "../bindings/SourceText";
import type { SurveyPreview } from "../bindings/SurveyPreview";

export { call };

/** A channel that hands each progress report to `onProgress`. */
function progressChannel(onProgress: (p: Progress) => void): Channel<Progress> {
  const ch = new Channel<Progress>();
  ch.onmessage = onProgress;
  return ch;
}

/** A fresh name for a cancellable task (import, index rebuild). */
export function newTaskId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export const sources = {
  list: () => call<Source[]>("sources_list"),
  text: (source: number) => call<SourceText>("source_text", { source }),
  /** Removes a source; refused by the engine once anyone has coded it. */
  remove: (source: number) => call<void>("source_remove", { source }),
};

export const imports = {
  /** What each file would become; a file that cannot be read carries its `error`. */
  preview: (paths: string[]) => call<FilePreview[]>("import_preview", { paths }),
  /** The survey preview of another sheet of a workbook. */
  previewSheet: (path: string, sheet: string) => call<SurveyPreview>("import_preview_sheet", { path, sheet }),
  /** Imports a batch as task `task`; `onProgress` receives files and bytes done. */
  run: (task: string, requests: ImportRequest[], onProgress: (p: Progress) => void) =>
    call<ImportReport>("import_files", { task, requests, onProgress: progressChannel(onProgress) }),
};

export const cases = {
  list: () => call<Case[]>("cases_list"),
  attributes: () => call<Attribute[]>("attributes_list"),
  /** Sets (or, with `null`, clears) one attribute value of a case. */
  setAttribute: (caseId: number, attribute: string, value: string | null) =>
    call<void>("case_set_attribute", { case: caseId, attribute, value }),
};

export const search = {
  run: (coder: number | null, query: SearchQuery) => call<SearchResults>("search", { coder, query }),
  indexStatus: () => call<IndexStatus>("index_status"),
  rebuild: (task: string, onProgress: (p: Progress) => void) =>
    call<void>("index_rebuild", { task, onProgress: progressChannel(onProgress) }),
};

/** Asks a running task (import, rebuild) to stop; false when it had already ended. */
export const cancelTask = (task: string) => call<boolean>("task_cancel", { task });

/** For "Code all hits as…": the codebook and applying one code to whole units. */
export const bulkCoding = {
  codes: () => call<Code[]>("codes_list"),
  applyToUnits: (coder: number, code: number, units: number[]) =>
    call<unknown>("coding_apply_units", { coder, code, units }),
};
