import { describe, expect, it } from "vitest";
import {
  type ExportForm,
  countsText,
  folderOf,
  formatOfPath,
  joinPath,
  preferredAttribute,
  problemWith,
  quoteLine,
  quoted,
  tableOptions,
  withExtension,
} from "./exportOptions";

const form = (over: Partial<ExportForm> = {}): ExportForm => ({
  title: "Table 1",
  groupBy: "role",
  splitBy: "influence",
  quotes: "starred",
  topN: 3,
  counts: false,
  quoteSources: false,
  format: "docx",
  path: "/home/ana/Table 1.docx",
  ...over,
});

describe("the export form becomes the engine's options", () => {
  it("groups, splits and prints starred quotes", () => {
    expect(tableOptions(form())).toEqual({
      group_by: "role",
      split_by: "influence",
      quotes: { kind: "starred" },
      counts: false,
      quote_sources: false,
      group_heading: null,
      split_heading: null,
    });
  });

  it("turns empty choices into no grouping and no split", () => {
    const o = tableOptions(form({ groupBy: "", splitBy: "  " }));
    expect(o.group_by).toBeNull();
    expect(o.split_by).toBeNull();
  });

  it("asks for every passage, or at most N starred quotes", () => {
    expect(tableOptions(form({ quotes: "all" })).quotes).toEqual({ kind: "all" });
    expect(tableOptions(form({ quotes: "top", topN: 2 })).quotes).toEqual({ kind: "top", n: 2 });
  });

  it("carries the optional columns", () => {
    const o = tableOptions(form({ counts: true, quoteSources: true }));
    expect(o.counts).toBe(true);
    expect(o.quote_sources).toBe(true);
  });
});

describe("file names follow the format", () => {
  it("replaces a table extension and appends one to other names", () => {
    expect(withExtension("/a/Table 1.docx", "xlsx")).toBe("/a/Table 1.xlsx");
    expect(withExtension("/a/Table 1.xlsx", "markdown")).toBe("/a/Table 1.md");
    expect(withExtension("/a/Table 1", "html")).toBe("/a/Table 1.html");
    expect(withExtension("/a/notes.v2", "csv")).toBe("/a/notes.v2.csv");
    expect(withExtension("", "csv")).toBe("");
  });

  it("reads the format from an extension, in any case", () => {
    expect(formatOfPath("x.DOCX")).toBe("docx");
    expect(formatOfPath("x.md")).toBe("markdown");
    expect(formatOfPath("x.markdown")).toBe("markdown");
    expect(formatOfPath("x.htm")).toBe("html");
    expect(formatOfPath("x.pdf")).toBeNull();
    expect(formatOfPath("x")).toBeNull();
  });

  it("joins and splits folders with either separator", () => {
    expect(folderOf("/home/ana/study.accord")).toBe("/home/ana");
    expect(folderOf("C:\\Users\\ana\\study.accord")).toBe("C:\\Users\\ana");
    expect(joinPath("/home/ana", "t.docx")).toBe("/home/ana/t.docx");
    expect(joinPath("C:\\Users\\ana", "t.docx")).toBe("C:\\Users\\ana\\t.docx");
    expect(joinPath("", "t.docx")).toBe("t.docx");
  });
});

describe("what stops an export", () => {
  it("needs a path", () => {
    expect(problemWith(form({ path: " " }))).toMatch(/where to save/);
  });

  it("needs a whole number of quotes of at least one", () => {
    expect(problemWith(form({ quotes: "top", topN: 0 }))).toMatch(/at least 1/);
    expect(problemWith(form({ quotes: "top", topN: 1.5 }))).toMatch(/whole number/);
    expect(problemWith(form({ quotes: "top", topN: 4 }))).toBeNull();
  });

  it("refuses a file name that contradicts the format", () => {
    expect(problemWith(form({ path: "/a/t.xlsx", format: "docx" }))).toMatch(/\.xlsx.*Word/);
    expect(problemWith(form({ path: "/a/t.txt", format: "markdown" }))).toBeNull();
  });
});

describe("the preview prints as the exports do", () => {
  it("puts quotes in typographic quotation marks, once", () => {
    expect(quoted(" She listened. ")).toBe("“She listened.”");
    expect(quoted("“It went an hour.”")).toBe("“It went an hour.”");
    expect(quoted('"It went an hour."')).toBe("“It went an hour.”");
    expect(quoted('"Thirty minutes," she said')).toBe('“"Thirty minutes," she said”');
  });

  it("adds source and case when asked", () => {
    const q = { text: "She listened.", source: "Survey Q3", case_name: "ME-001" };
    expect(quoteLine(q, false)).toBe("“She listened.”");
    expect(quoteLine(q, true)).toBe("“She listened.” — Survey Q3, ME-001");
    expect(quoteLine({ ...q, case_name: null }, true)).toBe("“She listened.” — Survey Q3");
  });

  it("writes counts as passages (sources, cases)", () => {
    expect(countsText({ passages: 12, sources: 3, cases: 9 })).toBe("12 (3, 9)");
    expect(countsText(null)).toBe("");
  });
});

it("prefers the role attribute for grouping, whatever its case", () => {
  expect(preferredAttribute(["Fellowship type", "Role"], ["role", "group"])).toBe("Role");
  expect(preferredAttribute(["Fellowship type"], ["role"])).toBe("");
});
