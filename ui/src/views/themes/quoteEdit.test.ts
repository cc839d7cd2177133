import { describe, expect, it } from "vitest";
import { bracketed, diffWords, elide, initialEdit, replaceAll, replaceWith, toStore } from "./quoteEdit";

const quote = "Dr. Chen always answered my emails within a day, even when she was travelling.";
const range = (text: string, part: string): [number, number] => {
  const i = text.indexOf(part);
  return [i, i + part.length];
};

describe("shortening a quote", () => {
  it("puts an ellipsis where words were cut, with single spaces", () => {
    expect(elide(quote, ...range(quote, "within a day, "))).toBe(
      "Dr. Chen always answered my emails … even when she was travelling.",
    );
  });

  it("has no space before the ellipsis at the start or after it at the end", () => {
    expect(elide(quote, ...range(quote, "Dr. Chen always "))).toBe(
      "… answered my emails within a day, even when she was travelling.",
    );
    expect(elide(quote, ...range(quote, " even when she was travelling."))).toBe(
      "Dr. Chen always answered my emails within a day, …",
    );
  });

  it("keeps punctuation close to the ellipsis", () => {
    expect(elide(quote, ...range(quote, " within a day"))).toBe(
      "Dr. Chen always answered my emails …, even when she was travelling.",
    );
  });

  it("accepts a selection made backwards and ignores an empty one", () => {
    const [a, b] = range(quote, "within a day, ");
    expect(elide(quote, b, a)).toBe(elide(quote, a, b));
    expect(elide(quote, 5, 5)).toBe(quote);
  });
});

describe("replacing a name for de-identification", () => {
  it("puts the replacement in square brackets", () => {
    expect(replaceWith(quote, ...range(quote, "Dr. Chen"), "my mentor")).toBe(
      "[my mentor] always answered my emails within a day, even when she was travelling.",
    );
  });

  it("does not double brackets the user typed", () => {
    expect(bracketed("[my mentor]")).toBe("[my mentor]");
    expect(bracketed("  program director ")).toBe("[program director]");
    expect(bracketed("  ")).toBe("");
  });

  it("replaces every occurrence of a name as a whole word only", () => {
    const t = "Chen said Chen's plan worked; Chenoweth disagreed.";
    expect(replaceAll(t, "chen", "my mentor")).toBe("[my mentor] said [my mentor]'s plan worked; Chenoweth disagreed.");
  });

  it("leaves the text alone without a selection or a word", () => {
    expect(replaceWith(quote, 3, 3, "x")).toBe(quote);
    expect(replaceWith(quote, 0, 3, "")).toBe(quote);
  });
});

describe("what is stored", () => {
  it("starts from the stored edit, or the original", () => {
    expect(initialEdit(quote, null)).toBe(quote);
    expect(initialEdit(quote, "[my mentor] …")).toBe("[my mentor] …");
  });

  it("stores nothing when the edit is empty or the original again", () => {
    expect(toStore(quote, "  ")).toBeNull();
    expect(toStore(quote, ` ${quote} `)).toBeNull();
    expect(toStore(quote, " [my mentor] answered … ")).toBe("[my mentor] answered …");
  });
});

describe("showing the changes", () => {
  it("marks a replaced name and a cut as whole words", () => {
    const edited = "[my mentor] always answered my emails … even when she was travelling.";
    const parts = diffWords(quote, edited);
    expect(parts.filter((p) => p.kind === "removed").map((p) => p.text.trim())).toEqual(["Dr. Chen", "within a day,"]);
    expect(parts.filter((p) => p.kind === "added").map((p) => p.text.trim())).toEqual(["[my mentor]", "…"]);
    expect(
      parts
        .filter((p) => p.kind !== "removed")
        .map((p) => p.text)
        .join(""),
    ).toBe(edited);
    expect(
      parts
        .filter((p) => p.kind !== "added")
        .map((p) => p.text)
        .join(""),
    ).toBe(quote);
  });

  it("finds nothing to mark in an unchanged quote", () => {
    expect(diffWords(quote, quote)).toEqual([{ kind: "same", text: quote }]);
  });
});
