/**
 * Native file dialogs (tauri-plugin-dialog). They live beside the client
 * because they too cross IPC; components never import the plugin directly.
 */
import { open, save } from "@tauri-apps/plugin-dialog";

export async function chooseProjectFile(): Promise<string | null> {
  const picked = await open({
    title: "Open project",
    multiple: false,
    directory: false,
    filters: [{ name: "Accord project", extensions: ["accord"] }],
  });
  return typeof picked === "string" ? picked : null;
}

export async function chooseFolder(title: string, defaultPath?: string): Promise<string | null> {
  const picked = await open({ title, directory: true, multiple: false, defaultPath });
  return typeof picked === "string" ? picked : null;
}

export async function chooseFiles(
  title: string,
  filters: Array<{ name: string; extensions: string[] }>,
): Promise<string[]> {
  const picked = await open({ title, multiple: true, directory: false, filters });
  if (!picked) return [];
  return Array.isArray(picked) ? picked : [picked];
}

export async function chooseSaveFile(
  title: string,
  defaultPath: string,
  filters: Array<{ name: string; extensions: string[] }>,
): Promise<string | null> {
  return (await save({ title, defaultPath, filters })) ?? null;
}

/** Asks for one existing file; null when cancelled. */
export async function chooseFile(
  title: string,
  filters: Array<{ name: string; extensions: string[] }>,
  defaultPath?: string,
): Promise<string | null> {
  const picked = await open({ title, multiple: false, directory: false, filters, defaultPath });
  return typeof picked === "string" ? picked : null;
}
