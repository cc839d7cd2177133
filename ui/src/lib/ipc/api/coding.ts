/**
 * IPC wrappers: Codebook, coders, phases and codings (the document view and codebook).
 * Used by DocumentScreen, CodebookScreen. Every call goes through `call` in ../client.
 */
import { call } from "../client";

export { call };
