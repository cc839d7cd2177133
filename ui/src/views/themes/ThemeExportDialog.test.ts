import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import ThemeExportDialog from "./ThemeExportDialog.svelte";
import QuoteEditor from "./QuoteEditor.svelte";
import { app } from "../../lib/state/app.svelte";
import type { Passage } from "../../lib/ipc/bindings/Passage";
import type { ThemeTable } from "../../lib/ipc/bindings/ThemeTable";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Args = Record<string, any>;

const table: ThemeTable = {
  columns: ["Theme", "Description of theme", "Representative quotes"],
  counts: false,
  quote_sources: false,
  groups: [
    {
      heading: "Mentee response",
      sections: [
        {
          heading: "Themes indicating positive influence",
          rows: [
            {
              theme: "Mentor qualities",
              description: "Valued traits",
              quotes: [{ text: "[My mentor] always answered", source: "Q1", case_name: "ME-001" }],
              counts: null,
            },
          ],
        },
      ],
    },
  ],
};

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the theme-table export dialog", () => {
  it("previews the table and exports with the chosen options, format and path", async () => {
    app.project = {
      name: "Bridges",
      path: "/home/ana/Bridges.accord",
      schema_version: 1,
      phase: "themes",
      sources: 1,
      units: 1,
      cases: 1,
      coders: 2,
      codes: 1,
      codings: 1,
    };
    const calls: Array<[string, Args]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args as Args]);
      if (cmd === "attributes_list")
        return [{ id: 1, guid: "g", name: "role", type: "categorical", levels: [], values: ["mentee", "mentor"] }];
      if (cmd === "theme_board")
        return {
          themes: [{ id: 1, guid: "t", parent: null, position: 0, name: "Mentor qualities", description: "", attributes: { influence: "positive" }, codes: [] }],
          unassigned: [],
          theme_counts: {},
          code_counts: {},
          group_by: null,
        };
      if (cmd === "theme_table") return table;
      if (cmd === "theme_table_export") return null;
      throw new Error(`unexpected ${cmd}`);
    });
    let closed = false;
    render(ThemeExportDialog, { onclose: () => (closed = true) });

    await waitFor(() => expect(screen.getByTestId("table-preview").textContent).toContain("Mentee response"));
    expect(screen.getByTestId("table-preview").textContent).toContain("“[My mentor] always answered”");
    const asked = calls.find(([c]) => c === "theme_table")![1].options;
    expect(asked.group_by).toBe("role");
    expect(asked.split_by).toBe("influence");

    const path = screen.getByRole("textbox", { name: /save as/i }) as HTMLInputElement;
    expect(path.value).toBe("/home/ana/Bridges – themes.docx");
    await fireEvent.click(screen.getByTestId("format-xlsx"));
    expect(path.value).toBe("/home/ana/Bridges – themes.xlsx");
    await fireEvent.click(screen.getByLabelText(/counts \(passages/i));
    await fireEvent.click(screen.getByTestId("export-run"));

    await waitFor(() => expect(closed).toBe(true));
    const [, args] = calls.find(([c]) => c === "theme_table_export")!;
    expect(args.format).toBe("xlsx");
    expect(args.path).toBe("/home/ana/Bridges – themes.xlsx");
    expect(args.title).toBe("Table 1. Themes and representative quotes");
    expect(args.options).toMatchObject({ group_by: "role", split_by: "influence", counts: true, quotes: { kind: "starred" } });
  });
});

describe("the quote editor", () => {
  const passage: Passage = {
    consensus_id: 7,
    code: 1,
    source: 2,
    source_title: "Interview ME-014",
    start: 0,
    end: 40,
    text: "Dr. Chen always answered my emails fast.",
    case_name: "ME-014",
    attributes: { role: "mentee" },
    quote: {
      id: 3,
      theme: 1,
      source: 2,
      start: 0,
      end: 40,
      original: "Dr. Chen always answered my emails fast.",
      edited: null,
      starred: true,
      position: 0,
    },
  };

  it("replaces the selected name with a bracketed word and saves the edit, showing the original beside it", async () => {
    let saved: string | null | undefined;
    render(QuoteEditor, {
      passage,
      onsave: async (e: string | null) => {
        saved = e;
        return true;
      },
      onclose: () => {},
    });
    expect(screen.getByTestId("quote-original").textContent).toBe(passage.text);
    const box = screen.getByRole("textbox", { name: "" }) as HTMLTextAreaElement;
    box.setSelectionRange(0, "Dr. Chen".length);
    await fireEvent.select(box);
    await fireEvent.click(screen.getByTestId("quote-replace"));
    expect(box.value).toBe("[my mentor] always answered my emails fast.");
    await waitFor(() => expect(screen.getByTestId("quote-diff").textContent).toContain("Dr. Chen"));
    await fireEvent.click(screen.getByTestId("quote-save"));
    await waitFor(() => expect(saved).toBe("[my mentor] always answered my emails fast."));
  });

  it("stores nothing when the edit is put back to the original", async () => {
    let saved: string | null | undefined = "untouched";
    render(QuoteEditor, {
      passage: { ...passage, quote: { ...passage.quote!, edited: "[my mentor] answered …" } },
      onsave: async (e: string | null) => {
        saved = e;
        return true;
      },
      onclose: () => {},
    });
    await fireEvent.click(screen.getByTestId("quote-restore"));
    await fireEvent.click(screen.getByTestId("quote-save"));
    await waitFor(() => expect(saved).toBeNull());
  });
});
