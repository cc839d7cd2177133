/**
 * Audit-log entries in words. The log stores an action name and its
 * particulars as JSON text; the drawer shows reconciliation's entries as
 * sentences. Tested in keys.test.ts with the keyboard.
 */
import type { AuditEntry } from "../../lib/ipc/bindings/AuditEntry";
import type { DecisionKind } from "../../lib/ipc/bindings/DecisionKind";
import { DECISION_PAST } from "./keys";

export interface AuditLine {
  at: string;
  who: string;
  action: string;
  /** One line saying what happened. */
  summary: string;
  note: string;
}

function parse(details: string): Record<string, unknown> {
  try {
    const v = JSON.parse(details);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function describe(e: AuditEntry): AuditLine {
  const d = parse(e.details);
  const str = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  let summary: string;
  switch (e.action) {
    case "reconcile.decide": {
      const kind = str("decision") as DecisionKind;
      const what = DECISION_PAST[kind] ?? kind;
      summary = `${what}: ${str("code")} in ${str("source")}`;
      break;
    }
    case "reconcile.undo":
      summary = `Undid decision #${d.decision ?? "?"}`;
      break;
    case "reconcile.start":
      summary = `Started reconciliation (${d.agreements ?? 0} places agreed)`;
      break;
    default:
      summary = e.action.replace(/[._]/g, " ");
  }
  return { at: e.at, who: e.who, action: e.action, summary, note: str("note") };
}
