import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/svelte";
import ReconcileScreen from "../ReconcileScreen.svelte";
import { app } from "../../lib/state/app.svelte";
import type { Discrepancy } from "../../lib/ipc/bindings/Discrepancy";
import type { ProjectInfo } from "../../lib/ipc/bindings/ProjectInfo";

const project = (phase: ProjectInfo["phase"]): ProjectInfo => ({
  name: "Demo",
  path: "/tmp/demo.accord",
  schema_version: 1,
  phase,
  sources: 1,
  units: 3,
  cases: 1,
  coders: 2,
  codes: 1,
  codings: 2,
});

const coding = (coder: number, start: number, end: number) => ({
  id: coder,
  guid: `g${coder}`,
  coder,
  code: 7,
  source: 1,
  start,
  end,
  memo: "",
  created_at: "",
  updated_at: "",
});

function item(decided: boolean): Discrepancy {
  return {
    key: "k1",
    source: 1,
    source_title: "Focus group",
    code: 7,
    code_name: "Networking",
    kind: "boundaries",
    start: 4,
    end: 20,
    a: [coding(1, 4, 12)],
    b: [coding(2, 8, 20)],
    decision: decided
      ? { id: 9, kind: "union", note: "Both fit", decided_by: "Dr. A", decided_at: "2026-01-02T10:00:00Z", consensus: [[7, 4, 20]] }
      : null,
  };
}

let calls: Array<{ cmd: string; args: Record<string, unknown> }>;
let decided: boolean;

function mock(phase: ProjectInfo["phase"]) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    switch (cmd) {
      case "discrepancies":
        if (phase === "independent") throw { kind: "not_allowed", message: "coders are coding blind" };
        return { pair: { a: 1, b: 2 }, items: [item(decided)], total: 1, resolved: decided ? 1 : 0, agreements: 3 };
      case "discrepancy_view":
        return {
          discrepancy: item(decided),
          passage_start: 0,
          passage: "We met national leaders at the meeting.",
          code: { id: 7, guid: "c", parent: null, position: 0, name: "Networking", description: "Contacts", inclusion: "Introductions", exclusion: "Sponsorship", example: "", color: "#3a7" },
          coder_a: "Dr. A",
          coder_b: "Dr. B",
          diff: [
            { tag: "only_b", text: "ational " },
            { tag: "equal", text: "lead" },
          ],
        };
      case "decide":
        decided = true;
        return item(true).decision;
      case "consensus_list":
        return decided ? [{}, {}, {}, {}] : [{}, {}, {}];
      case "codes_list":
        return [];
      case "coders_list":
        return [
          { id: 1, guid: "a", name: "Dr. A" },
          { id: 2, guid: "b", name: "Dr. B" },
        ];
      case "sources_list":
      case "audit_log":
        return [];
      case "reconcile_start":
        return 3;
      case "project_info":
        return project("reconciliation");
      default:
        return null;
    }
  });
}

beforeEach(() => {
  calls = [];
  decided = false;
  app.coder = 1;
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("ReconcileScreen", () => {
  test("U decides a union on the selected discrepancy with the note, and the progress updates", async () => {
    app.project = project("reconciliation");
    mock("reconciliation");
    const { getByTestId } = render(ReconcileScreen);
    await waitFor(() => expect(getByTestId("reconcile-progress").textContent).toBe("0 of 1 resolved"));
    await waitFor(() => getByTestId("pane-a"));
    const note = getByTestId("decision-note") as HTMLTextAreaElement;
    await fireEvent.input(note, { target: { value: "Both fit" } });
    // Keys typed into the note are text, not decisions.
    await fireEvent.keyDown(note, { key: "u" });
    expect(calls.some((c) => c.cmd === "decide")).toBe(false);
    await fireEvent.keyDown(window, { key: "u" });
    await waitFor(() => expect(getByTestId("reconcile-progress").textContent).toBe("1 of 1 resolved"));
    const decide = calls.find((c) => c.cmd === "decide")!;
    expect(decide.args).toMatchObject({ key: "k1", request: { kind: "union", note: "Both fit" }, coder: 1 });
    await waitFor(() => expect(getByTestId("consensus-count").textContent).toBe("4"));
    await waitFor(() => expect(getByTestId("current-decision").textContent).toMatch(/Union.*Dr\. A/s));
  });

  test("during independent coding it explains and starts reconciliation only after a confirmation", async () => {
    app.project = project("independent");
    mock("independent");
    const { getByTestId, queryByTestId } = render(ReconcileScreen);
    await waitFor(() => getByTestId("reconcile-offer"));
    await fireEvent.click(getByTestId("start-reconciliation"));
    expect(calls.some((c) => c.cmd === "reconcile_start")).toBe(false);
    expect(queryByTestId("confirm-start")).not.toBeNull();
    mock("reconciliation");
    await fireEvent.click(getByTestId("confirm-start"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "reconcile_start")).toBe(true));
  });
});
