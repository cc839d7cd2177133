/** Every keyboard shortcut of the document view, as the help overlay lists them. */
export interface Shortcut {
  keys: string[];
  what: string;
}

export const SHORTCUTS: Array<{ group: string; items: Shortcut[] }> = [
  {
    group: "Coding",
    items: [
      { keys: ["C"], what: "Open the code palette for the selected text (also Enter)" },
      { keys: ["1", "…", "9"], what: "Apply one of the nine most recently used codes to the selection" },
      { keys: ["S"], what: "Select the whole sentence around the selection or the cursor" },
      { keys: ["U"], what: "Select the whole unit: the answer, paragraph or speaker turn" },
      { keys: ["Esc"], what: "Clear the selection, close the palette or this help" },
    ],
  },
  {
    group: "In the palette",
    items: [
      { keys: ["type"], what: "Filter codes by name, path or description" },
      { keys: ["↑", "↓"], what: "Move through the codes" },
      { keys: ["Enter"], what: "Apply the highlighted code (with any ticked codes)" },
      { keys: ["Shift", "Enter"], what: "Tick the highlighted code to apply several at once" },
      { keys: ["Alt", "1…9"], what: "Tick a recent code" },
    ],
  },
  {
    group: "A selected coding",
    items: [
      { keys: ["click"], what: "Select the coding under the pointer (or its stripe in the margin)" },
      { keys: ["J", "K"], what: "Select the next or previous coding" },
      { keys: ["R"], what: "Change its code" },
      { keys: ["B"], what: "Set its boundaries to the selected text" },
      { keys: ["M"], what: "Write its memo" },
      { keys: ["Delete"], what: "Remove it" },
    ],
  },
  {
    group: "Everywhere in the document",
    items: [
      { keys: ["Ctrl", "Z"], what: "Undo your last coding action" },
      { keys: ["Ctrl", "Shift", "Z"], what: "Redo (also Ctrl+Y)" },
      { keys: ["[", "]"], what: "Previous or next source" },
      { keys: ["?"], what: "Show or hide this list" },
      { keys: ["Alt", "1…8"], what: "Go to another screen" },
    ],
  },
];
