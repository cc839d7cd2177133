/**
 * The reconcile screen's state: the discrepancy list with its progress, the
 * selected discrepancy's side-by-side view, decisions and their undo, the
 * consensus count and the audit log. Components call these methods; the
 * methods call the IPC wrappers.
 */
import { IpcError } from "../../lib/ipc/client";
import { reconcile } from "../../lib/ipc/api/reconcile";
import type { AuditEntry } from "../../lib/ipc/bindings/AuditEntry";
import type { Code } from "../../lib/ipc/bindings/Code";
import type { Coder } from "../../lib/ipc/bindings/Coder";
import type { DecisionRequest } from "../../lib/ipc/bindings/DecisionRequest";
import type { Discrepancy } from "../../lib/ipc/bindings/Discrepancy";
import type { DiscrepancyFilter } from "../../lib/ipc/bindings/DiscrepancyFilter";
import type { DiscrepancyList } from "../../lib/ipc/bindings/DiscrepancyList";
import type { DiscrepancyView } from "../../lib/ipc/bindings/DiscrepancyView";
import { group, type Grouped } from "./groups";

function asIpc(e: unknown): IpcError {
  return e instanceof IpcError ? e : new IpcError("internal", String(e));
}

export class ReconcileState {
  filter = $state<DiscrepancyFilter>({ code: null, source: null, coder: null, undecided_only: false });
  list = $state<DiscrepancyList | null>(null);
  grouped = $state<Grouped>({ rows: [], tops: [0], order: [] });
  /** Why the list cannot be shown (e.g. still in independent coding). */
  error = $state<IpcError | null>(null);
  loading = $state(false);

  selected = $state<string | null>(null);
  /** Position of the selection in the shown order, kept when a decided item leaves an "undecided only" list. */
  private position = 0;
  view = $state<DiscrepancyView | null>(null);
  viewError = $state<IpcError | null>(null);
  deciding = $state(false);

  consensusCount = $state<number | null>(null);
  audit = $state<AuditEntry[]>([]);
  codes = $state<Code[]>([]);
  coders = $state<Coder[]>([]);

  /** The coders' names, A and B, once the list is loaded. */
  names(): [string, string] {
    const pair = this.list?.pair;
    const name = (id: number | undefined) => this.coders.find((c) => c.id === id)?.name;
    return [name(pair?.a) ?? "Coder A", name(pair?.b) ?? "Coder B"];
  }

  async loadCodebook() {
    try {
      [this.codes, this.coders] = await Promise.all([reconcile.codes(), reconcile.coders()]);
    } catch {
      /* the filters then offer no codes; the list reports the real problem */
    }
  }

  async load() {
    this.loading = true;
    try {
      const list = await reconcile.discrepancies($state.snapshot(this.filter));
      this.list = list;
      this.grouped = group(list.items);
      this.error = null;
      if (this.selected === null && this.grouped.order.length > 0) await this.selectAt(0);
      else this.syncPosition();
    } catch (e) {
      this.list = null;
      this.grouped = group([]);
      this.error = asIpc(e);
    } finally {
      this.loading = false;
    }
  }

  private syncPosition() {
    const i = this.grouped.order.findIndex((d) => d.key === this.selected);
    if (i >= 0) this.position = i;
  }

  async refreshConsensus() {
    try {
      this.consensusCount = (await reconcile.consensus()).length;
    } catch {
      this.consensusCount = null;
    }
  }

  async loadAudit() {
    try {
      this.audit = await reconcile.auditLog(300);
    } catch {
      this.audit = [];
    }
  }

  async select(key: string) {
    this.selected = key;
    this.syncPosition();
    this.viewError = null;
    try {
      const view = await reconcile.view(key);
      if (this.selected === key) this.view = view;
    } catch (e) {
      if (this.selected === key) {
        this.view = null;
        this.viewError = asIpc(e);
      }
    }
  }

  selectAt(index: number) {
    const order = this.grouped.order;
    if (order.length === 0) return Promise.resolve();
    const i = Math.max(0, Math.min(index, order.length - 1));
    this.position = i;
    return this.select(order[i].key);
  }

  /** Index of the selection in the shown order, or -1 when it has left the list. */
  index(): number {
    return this.grouped.order.findIndex((d) => d.key === this.selected);
  }

  next() {
    const i = this.index();
    // A decided item that left an "undecided only" list: the next one now sits where it was.
    return this.selectAt(i >= 0 ? i + 1 : this.position);
  }

  previous() {
    const i = this.index();
    return this.selectAt(i >= 0 ? i - 1 : this.position - 1);
  }

  current(): Discrepancy | null {
    return this.view?.discrepancy ?? null;
  }

  /** Records a decision on the selected discrepancy and refreshes progress, consensus and log. */
  async decide(request: DecisionRequest, coder: number | null) {
    const key = this.selected;
    if (!key || this.deciding) return;
    this.deciding = true;
    try {
      await reconcile.decide(key, request, coder);
      await this.afterChange(key);
    } finally {
      this.deciding = false;
    }
  }

  /** Undoes the decision on the selected discrepancy. */
  async undo() {
    const key = this.selected;
    if (!key || this.deciding) return;
    this.deciding = true;
    try {
      await reconcile.undo(key);
      await this.afterChange(key);
    } finally {
      this.deciding = false;
    }
  }

  private async afterChange(key: string) {
    await Promise.all([this.load(), this.refreshConsensus(), this.loadAudit()]);
    if (this.selected === key) await this.select(key);
  }

  /** Moves the project to reconciliation (after the user confirmed). */
  async start() {
    const agreed = await reconcile.start(null);
    this.selected = null;
    this.view = null;
    await Promise.all([this.load(), this.refreshConsensus(), this.loadAudit()]);
    return agreed;
  }
}
