/** Short-lived messages at the bottom of the window (saved, imported, failed). */
export type NoticeTone = "info" | "ok" | "error";

export interface Notice {
  id: number;
  tone: NoticeTone;
  text: string;
}

class Notices {
  items = $state<Notice[]>([]);
  private next = 1;

  show(text: string, tone: NoticeTone = "info", ms = tone === "error" ? 9000 : 4000) {
    const id = this.next++;
    this.items.push({ id, tone, text });
    if (ms > 0) setTimeout(() => this.dismiss(id), ms);
    return id;
  }

  dismiss(id: number) {
    this.items = this.items.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();
