/**
 * IPC wrappers: Themes, quotes, theme-table and codebook exports, REFI-QDA exchange and merging.
 * Used by ThemesScreen, File menu. Every call goes through `call` in ../client.
 */
import { call } from "../client";

export { call };
