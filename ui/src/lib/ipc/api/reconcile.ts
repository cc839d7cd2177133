/**
 * IPC wrappers: Agreement and reconciliation.
 * Used by AgreementScreen, ReconcileScreen. Every call goes through `call` in ../client.
 */
import { call } from "../client";
import type { AgreementOptions } from "../bindings/AgreementOptions";
import type { AgreementReport } from "../bindings/AgreementReport";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { Code } from "../bindings/Code";
import type { Coder } from "../bindings/Coder";
import type { CoderPair } from "../bindings/CoderPair";
import type { CodingFilter } from "../bindings/CodingFilter";
import type { ConsensusCoding } from "../bindings/ConsensusCoding";
import type { Decision } from "../bindings/Decision";
import type { DecisionRequest } from "../bindings/DecisionRequest";
import type { DiscrepancyFilter } from "../bindings/DiscrepancyFilter";
import type { DiscrepancyList } from "../bindings/DiscrepancyList";
import type { DiscrepancyView } from "../bindings/DiscrepancyView";
import type { ReportFormat } from "../bindings/ReportFormat";
import type { Source } from "../bindings/Source";

export { call };

export const agreement = {
  /** The report of the chosen coders (refused during independent coding). */
  report: (options: AgreementOptions) => call<AgreementReport>("agreement", { options }),
  /** One report per coder, each coder (A) against the consensus (B). */
  withConsensus: (options: AgreementOptions) => call<AgreementReport[]>("agreement_consensus", { options }),
  /** Writes the report to `path` as Markdown, HTML or CSV. */
  exportReport: (options: AgreementOptions, format: ReportFormat, path: string) =>
    call<void>("agreement_export", { options, format, path }),
};

export const reconcile = {
  /** Moves the project to reconciliation; returns how many places the coders agreed on. */
  start: (pair: CoderPair | null = null) => call<number>("reconcile_start", { pair }),
  discrepancies: (filter: DiscrepancyFilter) => call<DiscrepancyList>("discrepancies", { filter }),
  view: (key: string) => call<DiscrepancyView>("discrepancy_view", { key }),
  /** Records a decision on behalf of `coder` (the investigator at the keyboard), if known. */
  decide: (key: string, request: DecisionRequest, coder: number | null) =>
    call<Decision>("decide", { key, request, coder }),
  undo: (key: string) => call<void>("decision_undo", { key }),
  consensus: (filter: CodingFilter = { source: null, code: null }) =>
    call<ConsensusCoding[]>("consensus_list", { filter }),
  auditLog: (limit = 200) => call<AuditEntry[]>("audit_log", { limit }),
  /** The codebook, for filters and "change the code". */
  codes: () => call<Code[]>("codes_list"),
  coders: () => call<Coder[]>("coders_list"),
  /** The sources, for the source filter. */
  sources: () => call<Source[]>("sources_list"),
};
