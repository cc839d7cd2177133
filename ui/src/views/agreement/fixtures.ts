/** Small agreement reports for the tests of the agreement screen. */
import type { AgreementReport } from "../../lib/ipc/bindings/AgreementReport";
import type { CodeAgreement } from "../../lib/ipc/bindings/CodeAgreement";
import type { Statistic } from "../../lib/ipc/bindings/Statistic";

export const def = (value: number): Statistic => ({ kind: "defined", value });
export const undef: Statistic = { kind: "undefined", reason: "chance_agreement_is_one" };

export function row(code: number, path: string, kappa: Statistic, codings: [number, number] = [3, 4]): CodeAgreement {
  return {
    code,
    name: path.split(" › ").at(-1)!,
    path,
    codings,
    presence: [],
    summary: {
      coders: 2,
      units: 100,
      pairable_units: 100,
      complete_units: 100,
      percent_agreement: kappa.kind === "defined" ? def(0.9 + kappa.value / 20) : def(1),
      kappa_kind: "cohen",
      kappa,
      fleiss_kappa: kappa,
      krippendorff_alpha: kappa,
      brennan_prediger_kappa: def(0.8),
    },
    segments: { matched: 2, a_only: 1, b_only: 2, agreement: def(0.4) },
  };
}

export function report(codes: CodeAgreement[]): AgreementReport {
  return {
    options: { unit: "unit", coders: [], coded_only: false, threshold: 0.9 },
    coders: [
      { id: 1, name: "Dr. Amara Okafor" },
      { id: 2, name: "Dr. Jonas Lindqvist" },
    ],
    sources: 3,
    units: 100,
    codes,
    pooled: { ...codes[0].summary, kappa: def(0.8632), units: 100 * codes.length },
    mean_kappa: def(0.7),
    mean_kappa_codes: codes.length,
    segments: { matched: 6, a_only: 3, b_only: 6, agreement: def(0.4) },
  };
}

export const sample = () =>
  report([
    row(1, "Similar interests", def(0.9)),
    row(2, "Similar interests › Shared background", def(0.45), [10, 2]),
    row(3, "Mentor qualities", undef, [0, 0]),
    row(4, "Mentor qualities › Approachable", def(0.733)),
    row(5, "Time constraints", def(-0.1)),
  ]);
