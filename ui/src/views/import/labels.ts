/** Words the import and sources screens show for the engine's enums. */
import type { ColumnType } from "../../lib/ipc/bindings/ColumnType";
import type { FileFormat } from "../../lib/ipc/bindings/FileFormat";
import type { SourceKind } from "../../lib/ipc/bindings/SourceKind";
import type { SurveyExport } from "../../lib/ipc/bindings/SurveyExport";

export const KIND_LABEL: Record<SourceKind, string> = {
  survey: "Survey",
  notes: "Interview notes",
  transcript: "Transcript",
};

/** Plural headings of the sources panel, in the panel's order. */
export const KIND_GROUPS: Array<{ kind: SourceKind; label: string }> = [
  { kind: "survey", label: "Surveys" },
  { kind: "notes", label: "Interview notes" },
  { kind: "transcript", label: "Transcripts" },
];

export const FORMAT_LABEL: Record<FileFormat, string> = {
  csv: "CSV",
  xlsx: "Excel workbook",
  web_vtt: "WebVTT",
  srt: "SubRip (SRT)",
  text: "plain text",
  markdown: "Markdown",
  docx: "Word document",
};

export const EXPORT_LABEL: Record<SurveyExport, string> = {
  google_forms: "Google Forms",
  qualtrics: "Qualtrics",
  survey_monkey: "SurveyMonkey",
  plain: "",
};

/** Column types in the order the type menu offers them. */
export const COLUMN_TYPES: Array<{ type: ColumnType["type"]; label: string; hint: string }> = [
  { type: "free_text", label: "Free text", hint: "Each answer becomes a unit to code" },
  { type: "respondent_id", label: "Respondent id", hint: "Joins this survey's answers to the same person in other surveys" },
  { type: "categorical", label: "Categorical", hint: "A case attribute with unordered values" },
  { type: "likert", label: "Likert", hint: "A case attribute with ordered levels" },
  { type: "number", label: "Number", hint: "A numeric case attribute" },
  { type: "date", label: "Date", hint: "A date case attribute" },
  { type: "ignore", label: "Ignore", hint: "Not imported" },
];

export function columnTypeLabel(t: ColumnType["type"]): string {
  return COLUMN_TYPES.find((c) => c.type === t)?.label ?? t;
}
