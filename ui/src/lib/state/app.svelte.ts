/**
 * Which project is open and which screen shows it. Components read these
 * fields and call the methods; the methods call the IPC client.
 */
import { IpcError, projects } from "../ipc/client";
import type { ProjectInfo } from "../ipc/bindings/ProjectInfo";
import type { RecentProject } from "../ipc/bindings/RecentProject";

export type Screen =
  | "sources"
  | "document"
  | "search"
  | "codebook"
  | "cases"
  | "agreement"
  | "reconcile"
  | "themes";

/** A request to show a source, optionally with a passage in view and highlighted. */
export interface SourceRequest {
  source: number;
  /** Code-point range to scroll to and highlight (e.g. a search hit). */
  highlight?: [number, number] | null;
  /** Bumped on every request so that asking for the same place again re-scrolls. */
  seq: number;
}

class AppState {
  /** The open project, or null on the start screen. */
  project = $state<ProjectInfo | null>(null);
  screen = $state<Screen>("sources");
  recent = $state<RecentProject[]>([]);
  /** A message for the start screen (e.g. why a file could not be opened). */
  startError = $state<IpcError | null>(null);
  /** Work that blocks the start screen's buttons (opening, building the demo). */
  busy = $state<string | null>(null);
  /**
   * The coder the app acts for. Every read and write of codings is made on
   * their behalf; the engine refuses the rest during independent coding.
   */
  coder = $state<number | null>(null);
  /** The source the document screen shows. */
  document = $state<SourceRequest | null>(null);
  /** Bumped after changes that other screens' lists depend on (imports, merges). */
  revision = $state(0);
  private seq = 0;

  /** Opens a source in the document screen, with a passage highlighted. */
  openSource(source: number, highlight: [number, number] | null = null) {
    this.document = { source, highlight, seq: ++this.seq };
    this.screen = "document";
  }

  /** Tells every screen that the project changed under it. */
  changed() {
    this.revision++;
    return this.refresh();
  }

  async loadRecent() {
    try {
      this.recent = await projects.recent();
    } catch {
      this.recent = [];
    }
  }

  /** Runs an action that opens a project, reporting failure on the start screen. */
  private async opening(label: string, action: () => Promise<ProjectInfo | null>) {
    this.busy = label;
    this.startError = null;
    try {
      const info = await action();
      if (info) {
        this.project = info;
        this.screen = "sources";
        this.document = null;
        this.coder = null;
        this.revision++;
      }
    } catch (e) {
      this.startError = e instanceof IpcError ? e : new IpcError("internal", String(e));
      await this.loadRecent();
    } finally {
      this.busy = null;
    }
  }

  launch() {
    return this.opening("Opening…", () => projects.launchRequest());
  }

  create(folder: string, name: string) {
    return this.opening("Creating project…", () => projects.create(folder, name));
  }

  open(path: string) {
    return this.opening("Opening project…", () => projects.open(path));
  }

  openDemo() {
    return this.opening("Preparing the demo study…", () => projects.openDemo());
  }

  /** Rebuilds the demo study from scratch, discarding changes made to it. */
  resetDemo() {
    return this.opening("Rebuilding the demo study…", () => projects.resetDemo());
  }

  async close() {
    await projects.close();
    this.project = null;
    await this.loadRecent();
  }

  /** Re-reads the project's counts after a change. */
  async refresh() {
    if (this.project) this.project = await projects.info();
  }

  async forget(path: string) {
    await projects.forget(path);
    await this.loadRecent();
  }
}

export const app = new AppState();
