import { describe, expect, it } from "vitest";
import { Positions, sliceCodePoints } from "./positions";

// The engine's notion of a position: index into the array of code points.
const codePoints = (s: string) => Array.from(s);

describe("Positions", () => {
  const cases: Array<[string, string]> = [
    ["ASCII", "Mentors helped."],
    ["accents", "José Núñez said: café, naïve, Zoë."],
    ["emoji (astral, two UTF-16 units each)", "Great match 👍🏽 really 😀!"],
    ["CJK in the BMP", "王芳说导师很好。"],
    ["CJK extension B (astral)", "𠀋𠀍 and 𪚲 mixed"],
    ["combining marks", "e\u0301te\u0301 (decomposed)"],
    ["empty", ""],
  ];

  for (const [name, text] of cases) {
    it(`round-trips every position in ${name}`, () => {
      const p = new Positions(text);
      const cps = codePoints(text);
      expect(p.codePointLength, "length in code points matches Array.from").toBe(cps.length);
      for (let cp = 0; cp <= cps.length; cp++) {
        const u = p.toUtf16(cp);
        // The UTF-16 prefix up to `u` must hold exactly `cp` code points.
        expect(codePoints(text.slice(0, u)).length, `code point ${cp} in ${name}`).toBe(cp);
        expect(p.toCodePoint(u), "converting back gives the same code point").toBe(cp);
      }
    });
  }

  it("slices by code points as the engine does", () => {
    const text = "Zoë 👍🏽 王芳: yes";
    // Code points: Z o ë ␠ 👍 🏽 ␠ 王 芳 : ␠ y e s
    expect(sliceCodePoints(text, 4, 6)).toBe("👍🏽");
    expect(sliceCodePoints(text, 7, 9)).toBe("王芳");
    expect(sliceCodePoints(text, 11, 14)).toBe("yes");
  });

  it("never splits a surrogate pair when a DOM offset lands inside it", () => {
    const text = "a😀b";
    const p = new Positions(text);
    // UTF-16: a=0, 😀=1..2, b=3. Offset 2 is between the two halves.
    expect(p.toCodePoint(2, "start"), "a selection start snaps to the emoji's start").toBe(1);
    expect(p.toCodePoint(2, "end"), "a selection end snaps past the emoji").toBe(2);
    expect(p.rangeToCodePoints(2, 2)).toEqual([1, 2]);
  });

  it("clamps out-of-range positions to the text", () => {
    const p = new Positions("ab😀");
    expect(p.toUtf16(99)).toBe(4);
    expect(p.toUtf16(-3)).toBe(0);
    expect(p.toCodePoint(99)).toBe(3);
  });
});
