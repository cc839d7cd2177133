import { describe, expect, test } from "vitest";
import {
  belowThreshold,
  coefficient,
  kappaStanding,
  nextSort,
  percent,
  sortRows,
  valueOf,
} from "./statistics";
import { def, row, sample, undef } from "./fixtures";

describe("statistic formatting", () => {
  test("a defined coefficient has three decimals and its exact value on hover", () => {
    expect(coefficient(def(0.74852))).toEqual({ text: "0.749", title: "0.74852", defined: true });
    expect(coefficient(def(-0.1))).toMatchObject({ text: "-0.100" });
  });

  test("a proportion is a percentage with one decimal", () => {
    expect(percent(def(0.995)).text).toBe("99.5%");
    expect(percent(def(1)).text).toBe("100.0%");
  });

  test("an undefined statistic reads 'undefined' with the reason, never 0 or NaN", () => {
    const shown = coefficient(undef);
    expect(shown.text).toBe("undefined");
    expect(shown.defined).toBe(false);
    expect(shown.title).toMatch(/chance is 1/);
    expect(percent({ kind: "undefined", reason: "no_codings" }).text).toBe("undefined");
    expect(valueOf(undef)).toBeNull();
  });
});

describe("sorting the per-code table", () => {
  const paths = (rows: ReturnType<typeof sample>["codes"]) => rows.map((r) => r.path);

  test("no sort keeps codebook order", () => {
    expect(paths(sortRows(sample().codes, null))).toEqual(paths(sample().codes));
  });

  test("by kappa, highest first, with undefined last", () => {
    const sorted = sortRows(sample().codes, { key: "kappa", dir: "desc" });
    expect(paths(sorted)).toEqual([
      "Similar interests",
      "Mentor qualities › Approachable",
      "Similar interests › Shared background",
      "Time constraints",
      "Mentor qualities",
    ]);
  });

  test("by kappa, lowest first: undefined is still last, not 'lowest'", () => {
    const sorted = sortRows(sample().codes, { key: "kappa", dir: "asc" });
    expect(paths(sorted)[0]).toBe("Time constraints");
    expect(paths(sorted).at(-1)).toBe("Mentor qualities");
  });

  test("by code path alphabetically, and by codings of coder A", () => {
    expect(paths(sortRows(sample().codes, { key: "path", dir: "asc" }))[0]).toBe("Mentor qualities");
    expect(sortRows(sample().codes, { key: "codingsA", dir: "desc" })[0].codings[0]).toBe(10);
  });

  test("clicking a column cycles: numbers descending, ascending, codebook order; names ascending first", () => {
    expect(nextSort(null, "kappa")).toEqual({ key: "kappa", dir: "desc" });
    expect(nextSort({ key: "kappa", dir: "desc" }, "kappa")).toEqual({ key: "kappa", dir: "asc" });
    expect(nextSort({ key: "kappa", dir: "asc" }, "kappa")).toBeNull();
    expect(nextSort(null, "path")).toEqual({ key: "path", dir: "asc" });
    expect(nextSort({ key: "path", dir: "asc" }, "path")).toEqual({ key: "path", dir: "desc" });
    expect(nextSort({ key: "kappa", dir: "asc" }, "alpha")).toEqual({ key: "alpha", dir: "desc" });
  });
});

describe("marking codes below the kappa threshold", () => {
  test("below is strictly less than the threshold; undefined is not below", () => {
    expect(kappaStanding(row(1, "x", def(0.59)), 0.6)).toBe("below");
    expect(kappaStanding(row(1, "x", def(0.6)), 0.6)).toBe("ok");
    expect(kappaStanding(row(1, "x", undef), 0.6)).toBe("undefined");
  });

  test("the default 0.6 marks the two weak codes of the sample", () => {
    expect(belowThreshold(sample().codes, 0.6).map((r) => r.path)).toEqual([
      "Similar interests › Shared background",
      "Time constraints",
    ]);
    expect(belowThreshold(sample().codes, 0.8)).toHaveLength(3);
  });
});
