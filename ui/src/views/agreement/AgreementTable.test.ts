import { describe, expect, test } from "vitest";
import { fireEvent, render } from "@testing-library/svelte";
import { flushSync } from "svelte";
import AgreementTable from "./AgreementTable.svelte";
import { sample } from "./fixtures";

const codes = (root: HTMLElement) =>
  [...root.querySelectorAll('[data-testid="agreement-row"]')].map((r) => r.getAttribute("data-code"));

describe("AgreementTable", () => {
  test("lists codes in codebook order with a pooled row", () => {
    const { container } = render(AgreementTable, { report: sample(), threshold: 0.6 });
    expect(codes(container)).toEqual(sample().codes.map((c) => c.path));
    const pooled = container.querySelector('[data-testid="pooled-kappa"]')!;
    expect(pooled.textContent?.trim()).toBe("0.863");
  });

  test("clicking the kappa header sorts by kappa, highest first, then lowest first", async () => {
    const { container } = render(AgreementTable, { report: sample(), threshold: 0.6 });
    const header = container.querySelector('button[data-sort="kappa"]') as HTMLButtonElement;
    await fireEvent.click(header);
    flushSync();
    expect(codes(container)[0]).toBe("Similar interests");
    expect(header.closest("th")?.getAttribute("aria-sort")).toBe("descending");
    await fireEvent.click(header);
    flushSync();
    expect(codes(container)[0]).toBe("Time constraints");
    expect(codes(container).at(-1)).toBe("Mentor qualities");
  });

  test("marks codes below the threshold and shows undefined kappa as a word with its reason", () => {
    const { container } = render(AgreementTable, { report: sample(), threshold: 0.6 });
    const below = [...container.querySelectorAll('[data-standing="below"]')].map((r) => r.getAttribute("data-code"));
    expect(below).toEqual(["Similar interests › Shared background", "Time constraints"]);
    const undefinedRow = container.querySelector('[data-code="Mentor qualities"] [data-testid="kappa"]')!;
    const word = undefinedRow.querySelector('[data-undefined="true"]') as HTMLElement;
    expect(word.textContent).toBe("undefined");
    expect(word.title).toMatch(/chance/);
    expect(container.textContent).not.toMatch(/NaN/);
  });
});
