import { describe, expect, it } from "vitest";
import type { Code } from "../../lib/ipc/bindings/Code";
import { descendants, indent, moveDown, moveUp, outdent } from "./tree";
import { stepFrom } from "./phases";

function code(id: number, parent: number | null, position: number): Code {
  return { id, guid: "", parent, position, name: `c${id}`, description: "", inclusion: "", exclusion: "", example: "", color: "#000000" };
}

// 1 ─┬ 2
//    └ 3
// 4
// 5
const CODES = [code(1, null, 0), code(2, 1, 0), code(3, 1, 1), code(4, null, 1), code(5, null, 2)];
const get = (id: number) => CODES.find((c) => c.id === id)!;

describe("codebook tree moves", () => {
  it("moves up and down among siblings, not past the ends", () => {
    expect(moveUp(CODES, get(4))).toEqual({ code: 4, parent: null, index: 0 });
    expect(moveUp(CODES, get(1))).toBeNull();
    expect(moveDown(CODES, get(4))).toEqual({ code: 4, parent: null, index: 2 });
    expect(moveDown(CODES, get(5))).toBeNull();
    expect(moveDown(CODES, get(2))).toEqual({ code: 2, parent: 1, index: 1 });
  });

  it("indents under the code above (as its last sub-code) and outdents after the parent", () => {
    expect(indent(CODES, get(4))).toEqual({ code: 4, parent: 1, index: 2 });
    expect(indent(CODES, get(1))).toBeNull();
    expect(outdent(CODES, get(3))).toEqual({ code: 3, parent: null, index: 1 });
    expect(outdent(CODES, get(4))).toBeNull();
  });

  it("knows a code's sub-codes (a code cannot be merged into them)", () => {
    expect([...descendants(CODES, 1)].sort()).toEqual([2, 3]);
    expect(descendants(CODES, 4).size).toBe(0);
  });
});

describe("phase steps", () => {
  it("goes forward one phase at a time and says what reconciliation freezes", () => {
    expect(stepFrom("setup", 1)?.to).toBe("independent");
    expect(stepFrom("independent", 1)?.to).toBe("reconciliation");
    expect(stepFrom("independent", 1)?.changes.join(" ")).toMatch(/frozen/);
    expect(stepFrom("reconciliation", 1)?.to).toBe("themes");
    expect(stepFrom("themes", 1)).toBeNull();
  });

  it("can step back, but not before setup", () => {
    expect(stepFrom("reconciliation", -1)?.to).toBe("independent");
    expect(stepFrom("setup", -1)).toBeNull();
  });
});
