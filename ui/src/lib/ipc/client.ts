/**
 * The UI's only door to the desktop shell: every `invoke` goes through here.
 *
 * Errors arrive from Rust as `{kind, message}` (CommandError). They are
 * rethrown as `IpcError`, so components can switch on `kind` and show
 * `message` — never parse message text.
 */
import { invoke } from "@tauri-apps/api/core";
import type { CommandError } from "./bindings/CommandError";
import type { ProjectInfo } from "./bindings/ProjectInfo";
import type { RecentProject } from "./bindings/RecentProject";

export class IpcError extends Error {
  readonly kind: string;
  constructor(kind: string, message: string) {
    super(message);
    this.kind = kind;
    this.name = "IpcError";
  }
}

function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (e && typeof e === "object" && "kind" in e && "message" in e) {
    const ce = e as CommandError;
    return new IpcError(ce.kind, ce.message);
  }
  return new IpcError("internal", e instanceof Error ? e.message : String(e));
}

/** Calls a command and normalises its error. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const projects = {
  create: (folder: string, name: string) => call<ProjectInfo>("project_create", { folder, name }),
  open: (path: string) => call<ProjectInfo>("project_open", { path }),
  close: () => call<void>("project_close"),
  info: () => call<ProjectInfo>("project_info"),
  recent: () => call<RecentProject[]>("recent_projects"),
  forget: (path: string) => call<void>("recent_forget", { path }),
  defaultFolder: () => call<string>("default_project_folder"),
  launchRequest: () => call<ProjectInfo | null>("launch_request"),
  openDemo: () => call<ProjectInfo>("demo_open"),
  resetDemo: () => call<ProjectInfo>("demo_reset"),
};
