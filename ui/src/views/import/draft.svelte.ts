/**
 * The import dialog's state: the chosen files with their previews, the
 * researcher's choices for each, the running batch and its report.
 *
 * The dialog only renders this and calls its methods; everything that turns
 * choices into `ImportRequest`s lives here so it can be tested without a
 * window (ImportDialog.test.ts).
 */
import { imports, cancelTask, newTaskId } from "../../lib/ipc/api/sources";
import { IpcError } from "../../lib/ipc/client";
import type { ColumnType } from "../../lib/ipc/bindings/ColumnType";
import type { FileAttribute } from "../../lib/ipc/bindings/FileAttribute";
import type { FilePreview } from "../../lib/ipc/bindings/FilePreview";
import type { ImportReport } from "../../lib/ipc/bindings/ImportReport";
import type { ImportRequest } from "../../lib/ipc/bindings/ImportRequest";
import type { Progress } from "../../lib/ipc/bindings/Progress";

/** The extensions the importers read, for the file dialog's filter. */
export const IMPORT_EXTENSIONS = ["csv", "tsv", "xlsx", "txt", "md", "markdown", "docx", "vtt", "srt"];

/** Imports that take longer than this show their progress. */
export const PROGRESS_DELAY_MS = 500;

/** One file of the batch and what the researcher chose for it. */
export interface FileDraft {
  preview: FilePreview;
  /** Files that cannot be read are listed but never sent. */
  include: boolean;
  title: string;
  /** Survey column types by column index, starting from the detected ones. */
  columns: ColumnType[];
  /** For workbooks, the sheet to read. */
  sheet: string | null;
  /** For interview notes, the interviewee's case name ("" for none). */
  caseName: string;
  /** For transcripts, the speakers who moderated. */
  moderators: string[];
  /** Attributes every case of the file gets (e.g. role = mentor); rows with no name are ignored. */
  attributes: FileAttribute[];
}

/** The file name without its extension: the default title. */
export function defaultTitle(file: string): string {
  const dot = file.lastIndexOf(".");
  return dot > 0 ? file.slice(0, dot) : file;
}

/** A participant id in a file name ("interview-mentor-MR-03.md" → "MR-03"), suggested as the interviewee. */
export function guessCase(file: string): string {
  const m = defaultTitle(file).match(/(?:^|[^A-Za-z0-9])([A-Z]{1,4}-?\d{1,4})(?![A-Za-z0-9])/);
  return m ? m[1] : "";
}

/**
 * Speakers suggested as moderators: those labelled so ("Moderator",
 * "Facilitator: Ana"), or, when the participants carry ids ("Aisha Rahman
 * (ME-031)"), the speakers without one. The researcher confirms by ticking.
 */
export function guessModerators(speakers: string[]): string[] {
  const named = speakers.filter((s) => /\b(moderator|facilitator|interviewer|host)\b/i.test(s));
  if (named.length) return named;
  const withId = speakers.filter((s) => /\([A-Za-z]{1,4}-?\d{1,4}\)\s*$/.test(s));
  if (withId.length > 0 && withId.length < speakers.length) return speakers.filter((s) => !withId.includes(s));
  return [];
}

export function draftFromPreview(preview: FilePreview): FileDraft {
  const kind = preview.detected?.kind;
  return {
    preview,
    include: !preview.error && !!preview.detected,
    // Empty: the engine titles a survey by its file name and notes or a
    // transcript by their first heading, else the file name.
    title: "",
    columns: preview.survey ? preview.survey.columns.map((c) => structuredClone(c.detected)) : [],
    sheet: preview.survey?.sheet ?? null,
    caseName: kind === "notes" ? guessCase(preview.file) : "",
    moderators: kind === "transcript" ? guessModerators(preview.speakers) : [],
    attributes: [],
  };
}

/** Builds the request the engine reads for one file. */
export function toRequest(d: FileDraft): ImportRequest {
  const kind = d.preview.detected?.kind;
  const title = d.title.trim() || null;
  const attributes = d.attributes
    .map((a) => ({ name: a.name.trim(), value: a.value.trim() }))
    .filter((a) => a.name !== "" && a.value !== "");
  return {
    path: d.preview.path,
    title,
    survey:
      kind === "survey"
        ? { columns: $state.snapshot(d.columns) as ColumnType[], title, attributes: [], sheet: d.sheet }
        : null,
    case: kind === "notes" && d.caseName.trim() ? d.caseName.trim() : null,
    moderators: kind === "transcript" ? [...d.moderators] : [],
    attributes,
  };
}

/** The levels a column starts with when the researcher makes it Likert. */
export function initialLevels(samples: string[]): string[] {
  return samples.filter((s) => s.trim() !== "");
}

/** Changes a column's type, keeping Likert levels when possible. */
export function withType(current: ColumnType, type: ColumnType["type"], samples: string[]): ColumnType {
  if (type === current.type) return current;
  if (type === "likert") return { type: "likert", levels: initialLevels(samples) };
  return { type } as ColumnType;
}

/** "1.2 MB" and the like. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Progress in words: "File 2 of 3 · 40%". */
export function describeProgress(p: Progress): { label: string; fraction: number | null } {
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : null;
  const files = p.files_total > 0 ? `File ${Math.min(p.files_done + 1, p.files_total)} of ${p.files_total}` : "";
  const bytes = p.total > 0 ? `${formatBytes(p.done)} of ${formatBytes(p.total)}` : "";
  return { label: [p.message, files, bytes].filter(Boolean).join(" · "), fraction };
}

export type Stage = "empty" | "loading" | "preview" | "importing" | "report";

export class ImportDraft {
  files = $state<FileDraft[]>([]);
  stage = $state<Stage>("empty");
  progress = $state<Progress | null>(null);
  /** True once the batch has run for PROGRESS_DELAY_MS. */
  showProgress = $state(false);
  report = $state<ImportReport | null>(null);
  error = $state<IpcError | null>(null);
  cancelled = $state(false);
  private task: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** The files that will be sent. */
  get chosen(): FileDraft[] {
    return this.files.filter((f) => f.include);
  }

  /** Adds files (paths from the dialog, a drop or the paste field) and previews them. */
  async add(paths: string[]) {
    const known = new Set(this.files.map((f) => f.preview.path));
    const fresh = [...new Set(paths.map((p) => p.trim()).filter((p) => p && !known.has(p)))];
    if (fresh.length === 0) return;
    if (this.stage === "report") this.reset();
    this.stage = "loading";
    this.error = null;
    try {
      const previews = await imports.preview(fresh);
      this.files.push(...previews.map(draftFromPreview));
    } catch (e) {
      this.error = e instanceof IpcError ? e : new IpcError("internal", String(e));
    } finally {
      this.stage = this.files.length ? "preview" : "empty";
    }
  }

  remove(path: string) {
    this.files = this.files.filter((f) => f.preview.path !== path);
    if (this.files.length === 0 && this.stage === "preview") this.stage = "empty";
  }

  /** Reads another sheet of a workbook and resets the column choices to its detected types. */
  async chooseSheet(d: FileDraft, sheet: string) {
    try {
      const survey = await imports.previewSheet(d.preview.path, sheet);
      d.preview.survey = survey;
      d.sheet = sheet;
      d.columns = survey.columns.map((c) => structuredClone(c.detected));
    } catch (e) {
      this.error = e instanceof IpcError ? e : new IpcError("internal", String(e));
    }
  }

  requests(): ImportRequest[] {
    return this.chosen.map(toRequest);
  }

  /** Runs the batch; the report lists every file, including those that failed. */
  async run(): Promise<ImportReport | null> {
    const requests = this.requests();
    if (requests.length === 0) return null;
    this.task = newTaskId("import");
    this.stage = "importing";
    this.progress = null;
    this.showProgress = false;
    this.cancelled = false;
    this.error = null;
    this.timer = setTimeout(() => (this.showProgress = true), PROGRESS_DELAY_MS);
    try {
      this.report = await imports.run(this.task, requests, (p) => (this.progress = p));
      this.stage = "report";
      return this.report;
    } catch (e) {
      const err = e instanceof IpcError ? e : new IpcError("internal", String(e));
      if (err.kind === "cancelled") this.cancelled = true;
      else this.error = err;
      this.stage = "preview";
      return null;
    } finally {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.task = null;
      this.showProgress = false;
    }
  }

  /** Asks the running batch to stop; the engine rolls the whole batch back. */
  async cancel() {
    if (!this.task) return;
    this.cancelled = true;
    await cancelTask(this.task);
  }

  reset() {
    this.files = [];
    this.report = null;
    this.error = null;
    this.progress = null;
    this.cancelled = false;
    this.stage = "empty";
  }
}
