/**
 * The agreement screen's state: the options, the report computed with them,
 * each coder against the consensus, and the export. Components read the
 * fields and call the methods; the methods call the IPC wrappers.
 */
import { IpcError } from "../../lib/ipc/client";
import { agreement, reconcile } from "../../lib/ipc/api/reconcile";
import type { AgreementOptions } from "../../lib/ipc/bindings/AgreementOptions";
import type { AgreementReport } from "../../lib/ipc/bindings/AgreementReport";
import type { Coder } from "../../lib/ipc/bindings/Coder";
import type { ReportFormat } from "../../lib/ipc/bindings/ReportFormat";
import type { UnitOfAnalysis } from "../../lib/ipc/bindings/UnitOfAnalysis";
import type { Sort } from "./statistics";

export class AgreementState {
  unit = $state<UnitOfAnalysis>("unit");
  codedOnly = $state(false);
  /** Segment matching threshold, overlap ÷ union, 0–1. */
  segmentThreshold = $state(0.9);
  /** Codes with a kappa below this are marked. */
  kappaThreshold = $state(0.6);
  /** Chosen coders when the project has more than two. */
  chosen = $state<number[]>([]);
  coders = $state<Coder[]>([]);

  report = $state<AgreementReport | null>(null);
  consensus = $state<AgreementReport[] | null>(null);
  consensusError = $state<IpcError | null>(null);
  error = $state<IpcError | null>(null);
  busy = $state(false);
  sort = $state<Sort | null>(null);
  tab = $state<"coders" | "consensus">("coders");

  options(): AgreementOptions {
    return {
      unit: this.unit,
      coders: this.coders.length > 2 ? this.chosen.slice() : [],
      coded_only: this.codedOnly,
      threshold: this.segmentThreshold,
    };
  }

  async loadCoders() {
    try {
      this.coders = await reconcile.coders();
      if (this.coders.length > 2 && this.chosen.length < 2) this.chosen = this.coders.slice(0, 2).map((c) => c.id);
    } catch {
      this.coders = [];
    }
  }

  /** Computes the report (and, after reconciliation started, each coder against the consensus). */
  async compute(withConsensus: boolean) {
    this.busy = true;
    this.error = null;
    const options = this.options();
    try {
      this.report = await agreement.report(options);
    } catch (e) {
      this.report = null;
      this.error = e instanceof IpcError ? e : new IpcError("internal", String(e));
    }
    if (withConsensus && this.report) {
      try {
        this.consensus = await agreement.withConsensus(options);
        this.consensusError = null;
      } catch (e) {
        this.consensus = null;
        this.consensusError = e instanceof IpcError ? e : new IpcError("internal", String(e));
      }
    } else {
      this.consensus = null;
    }
    this.busy = false;
  }

  exportReport(format: ReportFormat, path: string) {
    return agreement.exportReport(this.options(), format, path);
  }
}
