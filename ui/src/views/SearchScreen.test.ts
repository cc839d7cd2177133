import { describe, expect, it } from "vitest";
import { hitPassage, mergeAdjacent, snippetPieces } from "./SearchScreen.svelte";
import type { SearchHit } from "../lib/ipc/bindings/SearchHit";

function hit(over: Partial<SearchHit>): SearchHit {
  return {
    unit_id: 1,
    source_id: 5,
    source_title: "focus-group",
    source_kind: "transcript",
    case_name: "ME-009",
    speaker: "Łukasz Wiśniewski (ME-009)",
    question: null,
    score: 1,
    unit_start: 1000,
    unit_end: 1039,
    matches: [],
    snippet: "",
    snippet_matches: [],
    snippet_cut: [false, false],
    ...over,
  };
}

describe("search hits", () => {
  it("joins the words of a phrase into one mark but keeps separate words apart", () => {
    const text = "it was a good match, a good one";
    expect(mergeAdjacent(text, [[9, 13], [14, 19], [23, 27]])).toEqual([[9, 19], [23, 27]]);
    expect(mergeAdjacent("good, match", [[0, 4], [6, 11]])).toEqual([[0, 4], [6, 11]]);
  });

  it("cuts the snippet into marked pieces by code points, astral characters included", () => {
    // "😀" is one code point but two UTF-16 units: the mark must not shift.
    const pieces = snippetPieces({ snippet: "😀 a good match!", snippet_matches: [[4, 8], [9, 14]] });
    expect(pieces).toEqual([
      { text: "😀 a ", mark: false },
      { text: "good match", mark: true },
      { text: "!", mark: false },
    ]);
  });

  it("opens a hit on its first match, as a whole phrase, in source positions", () => {
    const h = hit({
      snippet: "[crosstalk] Sure, if it's a good match.",
      snippet_matches: [[28, 32], [33, 38]],
      matches: [[1028, 1032], [1033, 1038]],
    });
    expect(hitPassage(h)).toEqual([1028, 1038]);
    // A snippet that starts inside the unit shifts by the same amount.
    const cut = hit({ snippet: "a good match", snippet_matches: [[2, 6], [7, 12]], matches: [[1502, 1506], [1507, 1512]] });
    expect(hitPassage(cut)).toEqual([1502, 1512]);
  });

  it("opens the whole unit when nothing was highlighted", () => {
    expect(hitPassage(hit({}))).toEqual([1000, 1039]);
  });
});
