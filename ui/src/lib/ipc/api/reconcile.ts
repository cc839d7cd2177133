/**
 * IPC wrappers: Agreement and reconciliation.
 * Used by AgreementScreen, ReconcileScreen. Every call goes through `call` in ../client.
 */
import { call } from "../client";

export { call };
