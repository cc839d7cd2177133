// Blind coding by two coders in turn, in the real app: a project prepared
// with the CLI (the demo focus group, a short note with emoji and CJK, the
// demo codebook, two coders, independent coding). Coder A selects passages
// (DOM ranges over known text, as a mouse selection makes them), codes one
// with the palette (two codes at once) and others with number keys; coder B
// sees none of it and codes elsewhere; A again sees only A's. The stored
// offsets are then read back with `accord codings --json` and compared with
// code point offsets computed here from the engine's own search positions:
// a UTF-16 offset leaking through would be off by one after each emoji.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FIXTURES, ROOT, launch, screenshot, shown, textOf } from "./helpers.mjs";

const ACCORD = process.env.ACCORD_CLI ?? join(ROOT, "target/debug/accord");
const sessions = [];
after(async () => Promise.all(sessions.map((s) => s.stop())));

function accord(...args) {
  return execFileSync(ACCORD, args, { encoding: "utf8" });
}

/** Code point length, as the engine counts. */
const cp = (s) => [...s].length;

function prepare() {
  const dir = mkdtempSync(join(tmpdir(), "accord-coding-"));
  const project = join(dir, "Coding study.accord");
  const notes = join(dir, "debrief.md");
  writeFileSync(notes, "# Debrief\n\nShe said 😀 the meeting with 王芳 went well. Zoë agreed 👍 completely.\n\nA second paragraph.\n");
  accord("new", project);
  accord(
    "import",
    project,
    join(FIXTURES, "demo/focus-group/focus-group.vtt"),
    "--moderator",
    "Rachel Goldberg",
    "--moderator",
    "Tomás Ibarra",
  );
  accord("import", project, notes);
  accord("codebook", "import", project, join(FIXTURES, "demo/codebook.csv"));
  accord("coder", "add", project, "Coder A");
  accord("coder", "add", project, "Coder B");
  accord("phase", project, "independent");
  return project;
}

/**
 * The code point span of `phrase` in the project, from the engine's search
 * positions: the match that starts the phrase is the one with another
 * match ending exactly the phrase's length later.
 */
function phraseSpan(project, phrase, kind) {
  const args = ["search", project, `"${phrase}"`, "--json"];
  if (kind) args.push("--kind", kind);
  const hits = JSON.parse(accord(...args)).hits;
  assert.equal(hits.length, 1, `"${phrase}" occurs in one unit`);
  const m = hits[0].matches;
  const first = m.find((a) => m.some((b) => b[1] === a[0] + cp(phrase)));
  assert.ok(first, `the search positions of "${phrase}" span it`);
  return { source: hits[0].source_id, start: first[0], end: first[0] + cp(phrase) };
}

/**
 * Selects `needle` in the document as a mouse would: scrolls the virtual
 * list until a text node holds it, then sets a DOM range over it.
 */
async function selectText(browser, needle) {
  const found = await browser.executeAsync((needle, done) => {
    const root = document.querySelector('[data-testid="document-text"]');
    const scroller = document.querySelector('[data-testid="document-scroller"]');
    const find = () => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.data.indexOf(needle);
        if (i >= 0) return [n, i];
      }
      return null;
    };
    // A mouse selection takes the focus away from whatever field had it.
    document.activeElement?.blur?.();
    let tries = 0;
    scroller.scrollTop = 0;
    const attempt = () => {
      if (find()) {
        find()[0].parentElement.scrollIntoView({ block: "center" });
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const [node, i] = find();
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + needle.length);
            const sel = document.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            done(true);
          }),
        );
        return;
      }
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2 || ++tries > 500) return done(false);
      scroller.scrollTop += scroller.clientHeight * 0.8;
      requestAnimationFrame(() => requestAnimationFrame(attempt));
    };
    requestAnimationFrame(attempt);
  }, needle);
  assert.ok(found, `the document shows "${needle}"`);
  const panel = await shown(browser, '[data-testid="selection-panel"]');
  await browser.waitUntil(async () => (await panel.getProperty("innerText")).replace(/\s+/g, " ").includes(needle.slice(2, -2)), {
    timeoutMsg: `the selection panel quotes the selected "${needle}"`,
  });
}

async function openSource(browser, title) {
  await (await shown(browser, '[data-testid="nav-document"]')).click();
  const select = await shown(browser, '[data-testid="source-switch"]');
  await select.selectByVisibleText(title);
  await browser.waitUntil(async () => (await textOf(browser, '[data-testid="document-screen"] header')).includes(title === "focus-group" ? "Transcript" : "Interview notes"), {
    timeoutMsg: `${title} is open`,
  });
}

async function actAs(browser, name) {
  await (await shown(browser, '[data-testid="coder-select"]')).selectByVisibleText(name);
}

/** The coded segments' texts currently in the DOM. */
async function codedTexts(browser) {
  return browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="document-text"] [data-marks]')).map((e) => e.textContent),
  );
}

async function legend(browser) {
  return (await textOf(browser, '[data-testid="document-codes"]')).replace(/\s+/g, " ");
}

async function waitLegend(browser, pattern, why) {
  await browser.waitUntil(async () => pattern.test(await legend(browser)), { timeoutMsg: why });
}

test("two coders code the focus group in turn, each seeing only their own codings, at exact code point offsets", async () => {
  const project = prepare();
  const s = await launch({ args: [project] });
  sessions.push(s);
  const { browser } = s;
  await shown(browser, '[data-testid="workspace"]');

  // Without a coder, the document asks who is coding.
  await (await shown(browser, '[data-testid="nav-document"]')).click();
  await shown(browser, '[data-testid="choose-coder"]');
  await actAs(browser, "Coder A");
  await openSource(browser, "focus-group");
  await shown(browser, '[data-testid="document-text"]');
  const unitsInDom = (await browser.$$('[data-testid="unit"]')).length;
  assert.ok(unitsInDom > 0 && unitsInDom < 80, `only the units on screen are rendered (${unitsInDom} of 300+)`);
  const speakers = await textOf(browser, '[data-testid="document-text"]');
  assert.match(speakers, /Rachel Goldberg\s*Moderator/, "moderators are marked");
  await screenshot(browser, "20-document");

  // Coder A: the palette, two codes at once; the selection starts and ends mid-word.
  await selectText(browser, "m Zoë, I'm a peds rheum fel");
  await browser.keys("c");
  await shown(browser, '[data-testid="code-palette"]');
  await (await shown(browser, '[data-testid="palette-filter"]')).setValue("appro");
  await browser.waitUntil(async () => (await textOf(browser, '[data-testid="palette-code"]')).includes("Approachable"), {
    timeoutMsg: "typing filters the codes, Approachable first",
  });
  await browser.keys(["Shift", "Enter"]);
  await (await shown(browser, '[data-testid="palette-filter"]')).setValue("shared back");
  await browser.waitUntil(async () => (await textOf(browser, '[data-testid="palette-code"]')).includes("Shared background"), {
    timeoutMsg: "the filter finds Shared background",
  });
  await screenshot(browser, "21-palette");
  await browser.keys(["Enter"]);
  await browser.waitUntil(async () => !(await (await browser.$('[data-testid="code-palette"]')).isExisting()), {
    timeoutMsg: "the palette closes after applying",
  });
  await waitLegend(browser, /Shared background 1.*Approachable 1|Approachable 1.*Shared background 1/, "both codes are applied to the passage");
  assert.ok(
    (await codedTexts(browser)).join("").includes("I'm Zoë, I'm a peds rheum fellow"),
    "the coding snapped to whole words and is highlighted",
  );

  // A number key: 2 is the second most recent code (Shared background).
  await selectText(browser, "Łukasz, adult rheumatology");
  await browser.keys("2");
  await waitLegend(browser, /Shared background 2/, "key 2 applies Shared background");
  await browser.execute(() => {
    const el = Array.from(document.querySelectorAll('[data-testid="document-text"] [data-marks]')).find((e) => e.textContent.includes("Zoë"));
    el.scrollIntoView({ block: "center" });
  });
  await shown(browser, '[data-testid="coding-stripe"]');
  await screenshot(browser, "22-coded-stripes");

  // Non-BMP text: a note with emoji before and inside the passage.
  await openSource(browser, "Debrief");
  await selectText(browser, "Zoë agreed 👍 completely");
  await browser.keys("2"); // Approachable is now second
  await waitLegend(browser, /Approachable 1/, "the note's passage is coded Approachable");

  // The help overlay lists the shortcuts.
  await browser.keys("?");
  const help = await textOf(browser, '[data-testid="help-overlay"]');
  assert.match(help, /Undo your last coding action/, "the help lists undo");
  assert.match(help, /nine most recently used codes/, "the help lists number keys");
  await screenshot(browser, "24-help-overlay");
  await browser.keys("Escape");

  // Coder B sees none of A's codings, and codes elsewhere.
  await actAs(browser, "Coder B");
  await openSource(browser, "focus-group");
  await waitLegend(browser, /Nothing coded here yet/, "coder B sees none of coder A's codings");
  assert.deepEqual(await codedTexts(browser), [], "no highlight of A's is drawn for B");
  assert.equal((await browser.$$('[data-testid="coding-stripe"]')).length, 0, "no stripe of A's is drawn for B");
  await selectText(browser, "writing in English is still slow for me");
  await browser.keys("c");
  await (await shown(browser, '[data-testid="palette-filter"]')).setValue("research prod");
  await browser.keys(["Enter"]);
  await waitLegend(browser, /^Your codes in this source 1 Research productivity 1/, "B's coding is shown to B");
  await openSource(browser, "Debrief");
  await waitLegend(browser, /Nothing coded here yet/, "B does not see A's coding of the note");
  await selectText(browser, "the meeting with 王芳 went well");
  await browser.keys("1");
  await waitLegend(browser, /Research productivity 1/, "key 1 is B's own most recent code");

  // Back to A: only A's codings.
  await actAs(browser, "Coder A");
  await openSource(browser, "focus-group");
  await waitLegend(browser, /Shared background 2/, "A's codings are back");
  assert.doesNotMatch(await legend(browser), /Research productivity/, "A does not see B's code");

  // The codebook counts A's codings only.
  await (await shown(browser, '[data-testid="nav-codebook"]')).click();
  await shown(browser, '[data-testid="code-tree"]');
  const approachable = await browser.execute(() => {
    const row = Array.from(document.querySelectorAll('[data-testid="code-row"]')).find((r) => r.innerText.includes("Approachable"));
    return row?.querySelector('[data-testid="count-codings"]').textContent;
  });
  assert.equal(approachable, "2", "Approachable: A's two codings");
  const research = await browser.execute(() => {
    const row = Array.from(document.querySelectorAll('[data-testid="code-row"]')).find((r) => r.innerText.includes("Research productivity"));
    return row?.querySelector('[data-testid="count-codings"]').textContent;
  });
  assert.equal(research, "0", "B's codings are not counted for A");
  await screenshot(browser, "23-codebook");
  await s.stop();

  // The stored offsets, in code points, against the engine's own positions.
  const zoe = phraseSpan(project, "peds rheum fellow");
  const lukasz = phraseSpan(project, "adult rheumatology");
  const fang = phraseSpan(project, "writing in English is still slow for me");
  const agreed = phraseSpan(project, "agreed", "notes");
  const meeting = phraseSpan(project, "meeting with", "notes");
  const expectA = [
    { code: "Approachable", source: zoe.source, start: zoe.start - cp("I'm Zoë, I'm a "), end: zoe.end, text: "I'm Zoë, I'm a peds rheum fellow" },
    { code: "Shared background", source: zoe.source, start: zoe.start - cp("I'm Zoë, I'm a "), end: zoe.end, text: "I'm Zoë, I'm a peds rheum fellow" },
    { code: "Shared background", source: lukasz.source, start: lukasz.start - cp("Łukasz, "), end: lukasz.end, text: "Łukasz, adult rheumatology" },
    {
      code: "Approachable",
      source: agreed.source,
      start: agreed.start - cp("Zoë "),
      end: agreed.start - cp("Zoë ") + cp("Zoë agreed 👍 completely"),
      text: "Zoë agreed 👍 completely",
    },
  ];
  const expectB = [
    { code: "Research productivity", source: fang.source, start: fang.start, end: fang.end, text: "writing in English is still slow for me" },
    {
      code: "Research productivity",
      source: meeting.source,
      start: meeting.start - cp("the "),
      end: meeting.start - cp("the ") + cp("the meeting with 王芳 went well"),
      text: "the meeting with 王芳 went well",
    },
  ];
  const stored = (name) =>
    JSON.parse(accord("codings", project, "--as", name, "--json"))
      .map(({ code, source, start, end, text }) => ({ code, source, start, end, text }))
      .sort((a, b) => a.source - b.source || a.start - b.start || a.code.localeCompare(b.code));
  const sorted = (list) => [...list].sort((a, b) => a.source - b.source || a.start - b.start || a.code.localeCompare(b.code));
  assert.deepEqual(stored("Coder A"), sorted(expectA), "coder A's codings are stored at the expected code point offsets");
  assert.deepEqual(stored("Coder B"), sorted(expectB), "coder B's codings are stored at the expected code point offsets");
  // The note's passage starts after an astral emoji: its UTF-16 offset would be one more.
  const noteText = "She said 😀 the meeting with 王芳 went well. Zoë agreed 👍 completely.";
  assert.notEqual(noteText.indexOf("Zoë"), cp(noteText.slice(0, noteText.indexOf("Zoë"))), "the test text has astral characters before the passage");
});
