/**
 * IPC wrappers: Themes, quotes, theme-table and codebook exports, REFI-QDA exchange and merging.
 * Used by ThemesScreen, File menu. Every call goes through `call` in ../client.
 */
import { Channel } from "@tauri-apps/api/core";
import { call } from "../client";
import type { Attribute } from "../bindings/Attribute";
import type { Code } from "../bindings/Code";
import type { CodeId } from "../bindings/CodeId";
import type { CodebookCounts } from "../bindings/CodebookCounts";
import type { CodebookFormat } from "../bindings/CodebookFormat";
import type { CodebookImportReport } from "../bindings/CodebookImportReport";
import type { ExchangeReport } from "../bindings/ExchangeReport";
import type { MergeReport } from "../bindings/MergeReport";
import type { Passage } from "../bindings/Passage";
import type { Progress } from "../bindings/Progress";
import type { ProjectInfo } from "../bindings/ProjectInfo";
import type { Quote } from "../bindings/Quote";
import type { TableFormat } from "../bindings/TableFormat";
import type { Theme } from "../bindings/Theme";
import type { ThemeBoard } from "../bindings/ThemeBoard";
import type { ThemeFields } from "../bindings/ThemeFields";
import type { ThemeId } from "../bindings/ThemeId";
import type { ThemeTable } from "../bindings/ThemeTable";
import type { ThemeTableOptions } from "../bindings/ThemeTableOptions";

export { call };

export const themes = {
  board: (groupBy: string | null) => call<ThemeBoard>("theme_board", { groupBy }),
  create: (parent: ThemeId | null, fields: ThemeFields) => call<Theme>("theme_create", { parent, fields }),
  update: (theme: ThemeId, fields: ThemeFields) => call<Theme>("theme_update", { theme, fields }),
  move: (theme: ThemeId, parent: ThemeId | null, index: number) =>
    call<void>("theme_move", { theme, parent, index }),
  remove: (theme: ThemeId) => call<void>("theme_delete", { theme }),
  setAttribute: (theme: ThemeId, name: string, value: string | null) =>
    call<void>("theme_set_attribute", { theme, name, value }),
  assignCode: (code: CodeId, theme: ThemeId | null, index: number) =>
    call<void>("theme_assign_code", { code, theme, index }),
  passages: (theme: ThemeId) => call<Passage[]>("theme_passages", { theme, attribute: null, value: null }),
  table: (options: ThemeTableOptions) => call<ThemeTable>("theme_table", { options }),
  exportTable: (options: ThemeTableOptions, format: TableFormat, path: string, title: string | null) =>
    call<void>("theme_table_export", { options, format, path, title }),
  /** The codebook's codes (names and colours for the board). */
  codes: () => call<Code[]>("codes_list"),
  /** Case attributes, for grouping counts and tables. */
  attributes: () => call<Attribute[]>("attributes_list"),
};

export const quotes = {
  star: (theme: ThemeId, consensus: number, starred: boolean) =>
    call<Quote>("quote_star", { theme, consensus, starred }),
  edit: (quote: number, edited: string | null) => call<Quote>("quote_edit", { quote, edited }),
  move: (quote: number, index: number) => call<void>("quote_move", { quote, index }),
};

export const exchange = {
  /** Exports the project as .qdpx, calling `onProgress` as sources are written. */
  exportQdpx: (task: string, path: string, onProgress: (p: Progress) => void) => {
    const channel = new Channel<Progress>();
    channel.onmessage = onProgress;
    return call<ExchangeReport>("qdpx_export", { task, path, onProgress: channel });
  },
  cancel: (task: string) => call<boolean>("task_cancel", { task }),
  /** Imports a .qdpx into a new project file; the shell opens it. */
  importQdpx: (qdpx: string, project: string) =>
    call<[ProjectInfo, ExchangeReport]>("qdpx_import", { qdpx, project }),
  mergeQdpx: (path: string) => call<ExchangeReport>("qdpx_merge", { path }),
  mergeCopy: (path: string, coder: string | null) => call<MergeReport>("merge_copy", { path, coder }),
  exportQdc: (path: string) => call<ExchangeReport>("qdc_export", { path }),
  importQdc: (path: string) => call<ExchangeReport>("qdc_import", { path }),
  exportCodebook: (format: CodebookFormat, counts: CodebookCounts, path: string) =>
    call<void>("codebook_export", { format, counts, path }),
  importCodebook: (path: string) => call<CodebookImportReport>("codebook_import", { path }),
};
