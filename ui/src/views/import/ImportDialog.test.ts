import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import ImportDialog from "./ImportDialog.svelte";
import {
  ImportDraft,
  PROGRESS_DELAY_MS,
  describeProgress,
  draftFromPreview,
  guessCase,
  guessModerators,
  toRequest,
  withType,
} from "./draft.svelte";
import type { FilePreview } from "../../lib/ipc/bindings/FilePreview";
import type { ImportReport } from "../../lib/ipc/bindings/ImportReport";
import type { ImportRequest } from "../../lib/ipc/bindings/ImportRequest";
import type { Progress } from "../../lib/ipc/bindings/Progress";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Args = Record<string, any>;

const surveyPreview: FilePreview = {
  path: "/data/mentor-end-of-program.csv",
  file: "mentor-end-of-program.csv",
  bytes: 8800,
  detected: { kind: "survey", format: "csv" },
  survey: {
    export: "google_forms",
    header_rows: 1,
    rows: 27,
    sheets: [],
    sheet: null,
    encoding: "utf8",
    warnings: [],
    columns: [
      { index: 0, name: "Participant ID", header: ["Participant ID"], detected: { type: "respondent_id" }, samples: ["MR-01"], answered: 27, distinct: 27 },
      {
        index: 1,
        name: "How often did you meet?",
        header: ["How often did you meet?"],
        detected: { type: "categorical" },
        samples: ["Rarely", "Often", "Never"],
        answered: 27,
        distinct: 3,
      },
      {
        index: 2,
        name: "What did you gain?",
        header: ["What did you gain?"],
        detected: { type: "free_text" },
        samples: ["A lot"],
        answered: 24,
        distinct: 24,
      },
    ],
  },
  speakers: [],
  error: null,
};

const transcriptPreview: FilePreview = {
  path: "/data/focus-group.vtt",
  file: "focus-group.vtt",
  bytes: 52000,
  detected: { kind: "transcript", format: "web_vtt" },
  survey: null,
  speakers: ["Rachel Goldberg", "Aisha Rahman (ME-031)", "Tomás Ibarra", "Kwame Asante (ME-027)"],
  error: null,
};

const notesPreview: FilePreview = {
  path: "/data/interview-mentor-MR-03.md",
  file: "interview-mentor-MR-03.md",
  bytes: 5200,
  detected: { kind: "notes", format: "markdown" },
  survey: null,
  speakers: [],
  error: null,
};

const brokenPreview: FilePreview = {
  path: "/data/bad-quoting.csv",
  file: "bad-quoting.csv",
  bytes: 700,
  detected: null,
  survey: null,
  speakers: [],
  error: "bad-quoting.csv: line 3: a quoted field starts here but its closing quote is missing",
};

const previews: Record<string, FilePreview> = Object.fromEntries(
  [surveyPreview, transcriptPreview, notesPreview, brokenPreview].map((p) => [p.path, p]),
);

function report(requests: ImportRequest[]): ImportReport {
  return {
    files: requests.map((r) => ({
      file: r.path.split("/").pop()!,
      status: "imported",
      message: "imported",
      sources: [1],
      units: 10,
      cases: 3,
      warnings: [],
      problems: [],
    })),
  };
}

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

describe("building import requests from the researcher's choices", () => {
  it("keeps detected survey columns, applies a changed type and the file-wide attribute", () => {
    const d = draftFromPreview(structuredClone(surveyPreview));
    expect(d.include).toBe(true);
    d.columns[1] = withType(d.columns[1], "likert", surveyPreview.survey!.columns[1].samples);
    expect(d.columns[1]).toEqual({ type: "likert", levels: ["Rarely", "Often", "Never"] });
    // The researcher puts the scale in order, lowest first.
    d.columns[1] = { type: "likert", levels: ["Never", "Rarely", "Often"] };
    d.attributes.push({ name: " role ", value: "mentor" }, { name: "", value: "ignored" });
    d.title = "Mentors, end of program";
    expect(toRequest(d)).toEqual({
      path: "/data/mentor-end-of-program.csv",
      title: "Mentors, end of program",
      survey: {
        columns: [{ type: "respondent_id" }, { type: "likert", levels: ["Never", "Rarely", "Often"] }, { type: "free_text" }],
        title: "Mentors, end of program",
        attributes: [],
        sheet: null,
      },
      case: null,
      moderators: [],
      attributes: [{ name: "role", value: "mentor" }],
    } satisfies ImportRequest);
  });

  it("leaves the title to the engine when the field is empty", () => {
    const r = toRequest(draftFromPreview(notesPreview));
    expect(r.title).toBeNull();
    expect(r.survey).toBeNull();
  });

  it("suggests the interviewee from the file name and moderators from speakers without an id", () => {
    expect(guessCase("interview-mentor-MR-03.md")).toBe("MR-03");
    expect(guessCase("interview-mentee-ME-014.docx")).toBe("ME-014");
    expect(guessCase("notes from tuesday.txt")).toBe("");
    expect(toRequest(draftFromPreview(notesPreview)).case).toBe("MR-03");
    expect(guessModerators(transcriptPreview.speakers)).toEqual(["Rachel Goldberg", "Tomás Ibarra"]);
    expect(guessModerators(["Moderator", "P1", "P2"])).toEqual(["Moderator"]);
    expect(guessModerators(["Ana", "Ben"])).toEqual([]);
    expect(toRequest(draftFromPreview(transcriptPreview)).moderators).toEqual(["Rachel Goldberg", "Tomás Ibarra"]);
  });

  it("never sends a file that cannot be read", async () => {
    const sent: ImportRequest[][] = [];
    mockIPC((cmd, args) => {
      if (cmd === "import_preview") return ((args as Args).paths as string[]).map((p) => previews[p]);
      if (cmd === "import_files") {
        sent.push((args as Args).requests as ImportRequest[]);
        return report((args as Args).requests as ImportRequest[]);
      }
    });
    const draft = new ImportDraft();
    await draft.add(["/data/bad-quoting.csv", "/data/focus-group.vtt", "/data/focus-group.vtt"]);
    expect(draft.files.map((f) => f.preview.file)).toEqual(["bad-quoting.csv", "focus-group.vtt"]);
    expect(draft.chosen.map((f) => f.preview.file)).toEqual(["focus-group.vtt"]);
    await draft.run();
    expect(sent).toHaveLength(1);
    expect(sent[0].map((r) => r.path)).toEqual(["/data/focus-group.vtt"]);
    expect(draft.stage).toBe("report");
  });
});

describe("progress", () => {
  beforeEach(() => vi.useFakeTimers());

  it("appears only after half a second, counts files and bytes, and Cancel asks the task to stop", async () => {
    let finish!: (r: ImportReport) => void;
    let channel: { onmessage: (p: Progress) => void } | null = null;
    let cancelled: string | null = null;
    let task: string | null = null;
    mockIPC((cmd, args) => {
      if (cmd === "import_preview") return ((args as Args).paths as string[]).map((p) => previews[p]);
      if (cmd === "import_files") {
        task = (args as Args).task as string;
        channel = (args as Args).onProgress as unknown as { onmessage: (p: Progress) => void };
        return new Promise<ImportReport>((resolve) => (finish = resolve));
      }
      if (cmd === "task_cancel") {
        cancelled = (args as Args).task as string;
        return true;
      }
    });
    const draft = new ImportDraft();
    await draft.add(["/data/focus-group.vtt"]);
    const running = draft.run();
    await vi.waitFor(() => expect(channel).not.toBeNull());
    const p: Progress = { message: "Importing focus-group.vtt", done: 26000, total: 52000, files_done: 0, files_total: 1 };
    channel!.onmessage(p);
    expect(draft.stage).toBe("importing");
    expect(draft.showProgress).toBe(false);
    vi.advanceTimersByTime(PROGRESS_DELAY_MS);
    expect(draft.showProgress).toBe(true);
    expect(draft.progress).toEqual(p);
    expect(describeProgress(p)).toEqual({
      label: "Importing focus-group.vtt · File 1 of 1 · 25 KB of 51 KB",
      fraction: 0.5,
    });
    await draft.cancel();
    expect(cancelled).toBe(task);
    finish(report([{ path: "/data/focus-group.vtt" } as ImportRequest]));
    await running;
    expect(draft.showProgress).toBe(false);
  });

  it("a cancelled batch says nothing was added and returns to the preview", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "import_preview") return ((args as Args).paths as string[]).map((p) => previews[p]);
      if (cmd === "import_files") return Promise.reject({ kind: "cancelled", message: "cancelled" });
    });
    const draft = new ImportDraft();
    await draft.add(["/data/focus-group.vtt"]);
    expect(await draft.run()).toBeNull();
    expect(draft.stage).toBe("preview");
    expect(draft.cancelled).toBe(true);
    expect(draft.error).toBeNull();
  });
});

describe("ImportDialog", () => {
  it("previews pasted paths, lets a column become Likert, imports and reports per file", async () => {
    let sent: ImportRequest[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "import_preview") return ((args as Args).paths as string[]).map((p) => previews[p]);
      if (cmd === "import_files") {
        sent = (args as Args).requests as ImportRequest[];
        return {
          files: [
            { ...report(sent).files[0], units: 75, cases: 27, sources: [1, 2, 3] },
            {
              file: "bad.csv",
              status: "failed",
              message: "bad.csv: line 3: a quoted field starts here but its closing quote is missing",
              sources: [],
              units: 0,
              cases: 0,
              warnings: [],
              problems: [{ place: "line 3", message: "a quoted field starts here" }],
            },
          ],
        } satisfies ImportReport;
      }
    });
    const draft = new ImportDraft();
    const imported = vi.fn();
    render(ImportDialog, { draft, onclose: () => {}, onimported: imported });

    await fireEvent.input(screen.getByTestId("import-paths"), { target: { value: "/data/mentor-end-of-program.csv" } });
    await fireEvent.click(screen.getByTestId("import-paths-add"));
    await screen.findByTestId("survey-columns");
    expect(screen.getByTestId("import-file-detected").textContent).toContain("Survey · CSV from Google Forms · 27 responses");

    const select = screen.getByLabelText("Type of column How often did you meet?") as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "likert" } });
    expect(screen.getByLabelText("Scale of How often did you meet?, lowest first").textContent).toContain("Rarely");
    // Move "Never" (third) to the bottom of the scale, twice left.
    await fireEvent.click(screen.getByLabelText("Move Never lower"));
    await fireEvent.click(screen.getByLabelText("Move Never lower"));

    await fireEvent.click(screen.getByTestId("import-start"));
    await screen.findByTestId("import-report");
    expect(sent[0].survey!.columns[1]).toEqual({ type: "likert", levels: ["Never", "Rarely", "Often"] });
    const outcomes = screen.getAllByTestId("import-outcome");
    expect(outcomes.map((o) => o.dataset.status)).toEqual(["imported", "failed"]);
    expect(outcomes[0].textContent).toContain("3 sources · 75 units · 27 cases");
    expect(outcomes[1].textContent).toContain("line 3: a quoted field starts here but its closing quote is missing");
    expect(screen.getByTestId("import-summary").textContent).toMatch(/1 imported.*1 failed/);
    await waitFor(() => expect(imported).toHaveBeenCalledOnce());
  });

  it("shows why a file cannot be imported and keeps Import disabled", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "import_preview") return ((args as Args).paths as string[]).map((p) => previews[p]);
    });
    const draft = new ImportDraft();
    render(ImportDialog, { draft, onclose: () => {} });
    await draft.add(["/data/bad-quoting.csv"]);
    const error = await screen.findByTestId("import-file-error");
    expect(error.textContent).toBe("line 3: a quoted field starts here but its closing quote is missing");
    expect(screen.getByTestId("import-file").textContent).toContain("bad-quoting.csv");
    expect((screen.getByTestId("import-start") as HTMLButtonElement).disabled).toBe(true);
  });
});
