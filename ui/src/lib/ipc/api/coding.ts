/**
 * IPC wrappers: Codebook, coders, phases and codings (the document view and codebook).
 * Used by DocumentScreen, CodebookScreen, CoderSwitch. Every call goes through `call` in ../client.
 *
 * Every call that reads or writes codings names the coder it is made for;
 * the engine refuses another coder's codings.
 */
import { call } from "../client";
import type { Code } from "../bindings/Code";
import type { CodeCount } from "../bindings/CodeCount";
import type { CodeFields } from "../bindings/CodeFields";
import type { CodeMergeSummary } from "../bindings/CodeMergeSummary";
import type { CodebookCounts } from "../bindings/CodebookCounts";
import type { CodebookFormat } from "../bindings/CodebookFormat";
import type { CodebookImportReport } from "../bindings/CodebookImportReport";
import type { Coder } from "../bindings/Coder";
import type { Coding } from "../bindings/Coding";
import type { CodingChange } from "../bindings/CodingChange";
import type { CodingFilter } from "../bindings/CodingFilter";
import type { ConsensusCoding } from "../bindings/ConsensusCoding";
import type { Phase } from "../bindings/Phase";
import type { Source } from "../bindings/Source";
import type { SourceText } from "../bindings/SourceText";
import type { SpanKind } from "../bindings/SpanKind";
import type { UndoState } from "../bindings/UndoState";

export { call };

export const coders = {
  list: () => call<Coder[]>("coders_list"),
  add: (name: string) => call<Coder>("coder_add", { name }),
};

export const phases = {
  set: (phase: Phase) => call<void>("phase_set", { phase }),
  /**
   * Starts reconciliation: freezes the coders' codings, records the pair and
   * moves the project to the reconciliation phase. With more than two
   * coders, `pair` names the two to compare.
   */
  startReconciliation: (pair: { a: number; b: number } | null = null) =>
    call<number>("reconcile_start", { pair }),
};

export const documents = {
  sources: () => call<Source[]>("sources_list"),
  text: (source: number) => call<SourceText>("source_text", { source }),
  /** The consensus layer of one source (read-only, after independent coding). */
  consensus: (source: number) =>
    call<ConsensusCoding[]>("consensus_list", { filter: { source, code: null } satisfies CodingFilter }),
};

export const codings = {
  list: (coder: number, filter: CodingFilter) => call<Coding[]>("codings_list", { coder, filter }),
  /** Applies codes to a span (code points); the engine snaps it to whole words. */
  apply: (coder: number, source: number, start: number, end: number, codes: number[]) =>
    call<Coding[]>("coding_apply", { coder, source, start, end, codes }),
  update: (coder: number, coding: number, change: CodingChange) =>
    call<Coding>("coding_update", { coder, coding, change }),
  remove: (coder: number, coding: number) => call<void>("coding_remove", { coder, coding }),
  undo: (coder: number) => call<string | null>("coding_undo", { coder }),
  redo: (coder: number) => call<string | null>("coding_redo", { coder }),
  undoState: (coder: number) => call<UndoState>("undo_state", { coder }),
  /** The sentence or unit around code point `at`. */
  spanAt: (source: number, at: number, kind: SpanKind) => call<[number, number]>("span_at", { source, at, kind }),
  /** A span widened to whole words, as applying codes snaps it. */
  snap: (source: number, start: number, end: number) => call<[number, number]>("span_snap", { source, start, end }),
};

export const codebook = {
  list: () => call<Code[]>("codes_list"),
  create: (parent: number | null, fields: CodeFields) => call<Code>("code_create", { parent, fields }),
  update: (code: number, fields: CodeFields) => call<Code>("code_update", { code, fields }),
  move: (code: number, parent: number | null, index: number) => call<void>("code_move", { code, parent, index }),
  merge: (from: number, into: number) => call<CodeMergeSummary>("code_merge", { from, into }),
  remove: (code: number) => call<void>("code_delete", { code }),
  counts: (coder: number) => call<CodeCount[]>("code_counts", { coder }),
  export: (format: CodebookFormat, counts: CodebookCounts, path: string) =>
    call<void>("codebook_export", { format, counts, path }),
  import: (path: string) => call<CodebookImportReport>("codebook_import", { path }),
};

/** Fields of a code with nothing changed: fill in what to change. */
export function noFields(over: Partial<CodeFields> = {}): CodeFields {
  return { name: null, description: null, inclusion: null, exclusion: null, example: null, color: null, ...over };
}
