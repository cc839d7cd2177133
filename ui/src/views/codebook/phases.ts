/**
 * The project's phases in order, and what each step between them changes,
 * as the confirmation before a step says it.
 */
import type { Phase } from "../../lib/ipc/bindings/Phase";

export const PHASES: Array<{ phase: Phase; label: string }> = [
  { phase: "setup", label: "Setup" },
  { phase: "independent", label: "Independent coding" },
  { phase: "reconciliation", label: "Reconciliation" },
  { phase: "themes", label: "Themes" },
];

export interface PhaseStep {
  from: Phase;
  to: Phase;
  /** "Start independent coding" */
  title: string;
  /** The confirm button's label. */
  button: string;
  /** What changes, one sentence each. */
  changes: string[];
}

const STEPS: PhaseStep[] = [
  {
    from: "setup",
    to: "independent",
    title: "Start independent coding",
    button: "Start coding",
    changes: [
      "Each coder codes on their own and sees only their own codings, in every screen and export.",
      "Agreement and reconciliation stay closed until the coders have finished.",
      "The codebook can still be edited; agree on changes with the other coder.",
    ],
  },
  {
    from: "independent",
    to: "reconciliation",
    title: "Start reconciliation",
    button: "Freeze codings and reconcile",
    changes: [
      "Both coders' codings are frozen, so agreement can always be recomputed from them.",
      "Passages the coders coded alike go straight into the consensus; every discrepancy waits for a decision on the Reconcile screen.",
      "Agreement figures become available. Coder copies can no longer be merged.",
    ],
  },
  {
    from: "reconciliation",
    to: "themes",
    title: "Move on to themes",
    button: "Move on to themes",
    changes: [
      "Themes are built from the consensus codes; quotes come from consensus passages.",
      "Undecided discrepancies stay open; you can come back to reconciliation.",
    ],
  },
  {
    from: "independent",
    to: "setup",
    title: "Go back to setup",
    button: "Back to setup",
    changes: ["Coders keep their codings. Use this to rework the codebook before coding in earnest."],
  },
  {
    from: "reconciliation",
    to: "independent",
    title: "Go back to independent coding",
    button: "Unfreeze codings",
    changes: [
      "The coders' codings are unfrozen and each coder again sees only their own.",
      "Decisions already made stay in the consensus; start reconciliation again afterwards to compare the changed codings.",
    ],
  },
  {
    from: "themes",
    to: "reconciliation",
    title: "Go back to reconciliation",
    button: "Back to reconciliation",
    changes: ["Decide remaining discrepancies; themes and quotes are kept."],
  },
];

/** The step forward (`dir` 1) or back (-1) from `phase`, if there is one. */
export function stepFrom(phase: Phase, dir: 1 | -1): PhaseStep | null {
  const i = PHASES.findIndex((p) => p.phase === phase);
  const to = PHASES[i + dir]?.phase;
  return STEPS.find((s) => s.from === phase && s.to === to) ?? null;
}
