/**
 * IPC wrappers: Sources, import, cases and search (the import-and-search screens).
 * Used by SourcesScreen, ImportDialog, CasesScreen, SearchScreen. Every call goes through `call` in ../client.
 */
import { call } from "../client";

export { call };
