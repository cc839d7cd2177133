// Themes (issue 6, "Done when"): in the real app with the demo study, build
// two new themes from consensus codes, star quotes, edit one for
// de-identification, export the theme table as Word, and read the table back.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { launch, screenshot, shown, textOf } from "./helpers.mjs";

const sessions = [];
after(async () => Promise.all(sessions.map((s) => s.stop())));

const card = (name) => `[data-testid="theme-card"][data-theme="${name}"]`;
const code = (name) => `[data-testid="board-code"][data-code="${name}"]`;

async function createTheme(browser, name) {
  await (await shown(browser, '[data-testid="new-theme"]')).click();
  const input = await shown(browser, 'input[name="new-theme-name"]');
  await input.setValue(name);
  await (await shown(browser, '[data-testid="create-theme"]')).click();
  await shown(browser, card(name));
}

/** "Move to theme…" on a code: the keyboard-and-menu way to do what dragging does. */
async function moveCode(browser, codeName, themeName) {
  await (await shown(browser, `${code(codeName)} [data-testid="move-code"]`)).click();
  const menu = await shown(browser, '[data-testid="move-menu"]');
  await (await menu.$(`button=${themeName}`)).click();
  await browser.waitUntil(async () => (await browser.$(`${card(themeName)} ${code(codeName)}`)).isExisting(), {
    timeout: 10000,
    timeoutMsg: `"${codeName}" did not appear in "${themeName}" after Move to theme`,
  });
}

async function describeTheme(browser, name, description, influence) {
  await (await shown(browser, `${card(name)} [data-testid="theme-menu"]`)).click();
  await (await shown(browser, '[data-testid="theme-edit"]')).click();
  await (await shown(browser, `${card(name)} textarea[name="theme-description"]`)).setValue(description);
  await (await shown(browser, `${card(name)} input[name="attr-influence"]`)).setValue(influence);
  await (await shown(browser, `${card(name)} [data-testid="theme-save"]`)).click();
  await browser.waitUntil(async () => (await textOf(browser, card(name))).includes(description), {
    timeout: 10000,
    timeoutMsg: `the description of "${name}" was not shown after saving`,
  });
}

async function starredTexts(browser) {
  const items = await browser.$$('[data-testid="starred-quote"] blockquote');
  const out = [];
  for (const el of items) out.push(await el.getProperty("innerText"));
  return out;
}

/** Stars the first passage not starred yet and waits until the starred list grows. */
async function starNext(browser) {
  const before = (await starredTexts(browser)).length;
  const star = await shown(browser, '[data-testid="passage"]:not(.is-starred) [data-testid="passage-star"]');
  await star.click();
  await browser.waitUntil(async () => (await starredTexts(browser)).length === before + 1, {
    timeout: 10000,
    timeoutMsg: "the starred passage did not join the representative quotes",
  });
}

const unquote = (s) => s.trim().replace(/^“/, "").replace(/”$/, "");

function documentText(docx) {
  const xml = execFileSync("unzip", ["-p", docx, "word/document.xml"], { encoding: "utf8", maxBuffer: 64 << 20 });
  return xml;
}

function plain(xml) {
  return xml
    .replace(/<w:p[ >]/g, "\n$&")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

test("builds two themes, stars and de-identifies quotes, and exports the table as Word", async () => {
  const s = await launch({ args: ["--demo"] });
  sessions.push(s);
  const { browser, home } = s;
  await shown(browser, '[data-testid="workspace"]', 60000);
  await (await shown(browser, '[data-testid="nav-themes"]')).click();
  await shown(browser, '[data-testid="themes-screen"]');
  await shown(browser, card("Mentor qualities"));

  await createTheme(browser, "Test theme A");
  await createTheme(browser, "Test theme B");
  await moveCode(browser, "Responsive", "Test theme A");
  await moveCode(browser, "Honest feedback", "Test theme A");
  await moveCode(browser, "Time constraints", "Test theme B");
  assert.ok(
    !(await browser.$(`${card("Mentor qualities")} ${code("Responsive")}`).isExisting()),
    "a code belongs to at most one theme: moving it takes it out of its old theme",
  );
  await describeTheme(browser, "Test theme A", "Mentors who answer and tell the truth", "positive");
  await describeTheme(browser, "Test theme B", "Too little time for the mentorship", "negative");
  const countsA = await textOf(browser, card("Test theme A"));
  assert.match(countsA, /\d+ passages · \d+ sources · \d+ cases/, "the theme shows its passage, source and case counts");
  assert.match(countsA, /mentee \d+/, "the counts are split by the role of the cases");
  await (await browser.$(card("Test theme A"))).scrollIntoView({ block: "center" });
  await screenshot(browser, "40-themes-board");

  // Quotes of theme A: star two passages.
  await (await shown(browser, `${card("Test theme A")} button.title`)).click();
  await shown(browser, '[data-testid="quotes-panel"]');
  await shown(browser, '[data-testid="passage"]');
  const panel = await textOf(browser, '[data-testid="quotes-panel"]');
  assert.match(panel, /Test theme A/, "the quotes panel is for the selected theme");
  await starNext(browser);
  await starNext(browser);
  const starredA = (await starredTexts(browser)).map(unquote);
  assert.equal(starredA.length, 2, "two representative quotes are starred");
  await screenshot(browser, "41-quotes");

  // De-identify the first quote: replace its first word with "[my mentor]" and shorten the middle.
  await (await shown(browser, '[data-testid="starred-quote"] [data-testid="quote-edit"]')).click();
  await shown(browser, '[data-testid="quote-editor"]');
  const original = await textOf(browser, '[data-testid="quote-original"]');
  assert.equal(original, starredA[0], "the editor shows the original passage");
  const select = async (from, to) => {
    // After an edit the editor puts the caret back on the next animation
    // frame; selecting before that frame would be undone by it. Two frames
    // later it has run.
    await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    await browser.execute(
      (a, b) => {
        const box = document.querySelector('textarea[name="quote-edit"]');
        box.focus();
        box.setSelectionRange(a, b);
        box.dispatchEvent(new Event("select"));
      },
      from,
      to,
    );
  };
  const firstWord = original.match(/^\S+/)[0];
  await select(0, firstWord.length);
  await (await shown(browser, '[data-testid="quote-replace"]')).click();
  let edited = await (await browser.$('textarea[name="quote-edit"]')).getValue();
  assert.ok(edited.startsWith("[my mentor]"), `the first word is replaced with [my mentor]: ${edited}`);
  const words = [...edited.matchAll(/\S+/g)];
  if (words.length >= 8) {
    await select(words[3].index, words[5].index + words[5][0].length);
    const shorten = await shown(browser, '[data-testid="quote-shorten"]');
    await browser.waitUntil(() => shorten.isEnabled(), { timeoutMsg: "a selection enables Shorten" });
    await shorten.click();
    await browser.waitUntil(async () => (await (await browser.$('textarea[name="quote-edit"]')).getValue()).includes("…"), {
      timeout: 5000,
      timeoutMsg: "shortening did not put an ellipsis in the quote",
    });
    edited = await (await browser.$('textarea[name="quote-edit"]')).getValue();
  }
  await shown(browser, '[data-testid="quote-diff"]');
  await screenshot(browser, "42-quote-edit");
  await (await shown(browser, '[data-testid="quote-save"]')).click();
  await browser.waitUntil(async () => (await starredTexts(browser)).map(unquote)[0] === edited.trim(), {
    timeout: 10000,
    timeoutMsg: "the starred quote did not show the edit after saving",
  });
  const quotePanel = await textOf(browser, '[data-testid="starred-quote"]');
  assert.ok(quotePanel.includes(original), "the quote view shows the untouched original beside the edit");

  // Theme B: one starred quote.
  await (await shown(browser, `${card("Test theme B")} button.title`)).click();
  await browser.waitUntil(async () => (await textOf(browser, '[data-testid="quotes-panel"] h2')) === "Test theme B", {
    timeout: 10000,
    timeoutMsg: "the quotes panel did not switch to Test theme B",
  });
  await shown(browser, '[data-testid="passage"]');
  await starNext(browser);
  const starredB = (await starredTexts(browser)).map(unquote);

  // Export the table as Word to a typed path.
  await (await shown(browser, '[data-testid="export-table"]')).click();
  await shown(browser, '[data-testid="export-dialog"]');
  const out = join(home, "Documents", "Theme table.docx");
  const pathField = await shown(browser, 'input[name="export-path"]');
  assert.match(await pathField.getValue(), /\.docx$/, "the path is prefilled with a Word file name");
  await pathField.clearValue();
  await pathField.setValue(out);
  await browser.waitUntil(async () => (await textOf(browser, '[data-testid="table-preview"]')).includes("Test theme A"), {
    timeout: 15000,
    timeoutMsg: "the preview did not show the new theme",
  });
  await screenshot(browser, "43-export-dialog");
  await (await shown(browser, '[data-testid="export-run"]')).click();
  await browser.waitUntil(async () => !(await browser.$('[data-testid="export-dialog"]').isExisting()), {
    timeout: 20000,
    timeoutMsg: "the export dialog did not close after exporting",
  });
  assert.ok(existsSync(out), "the Word file is written where the path field said");

  const xml = documentText(out);
  assert.match(xml, /<w:tbl>/, "the document holds a real Word table");
  const rows = xml.split(/<w:tr[ >]/).slice(1).map(plain);
  const rowsA = rows.filter((r) => r.includes("Test theme A")).join("\n");
  const rowsB = rows.filter((r) => r.includes("Test theme B")).join("\n");
  assert.ok(rowsA, "the table has a row for Test theme A");
  assert.ok(rowsB, "the table has a row for Test theme B");
  assert.ok(rowsA.includes("Mentors who answer and tell the truth"), "the row carries the theme's description");
  assert.ok(rowsA.includes(`“${edited.trim()}”`), `the de-identified edit is printed in quotation marks: ${rowsA}`);
  assert.ok(!rowsA.includes(`“${original}”`), "the original of the edited quote is not printed");
  assert.ok(rowsA.includes(`“${starredA[1]}”`), "the second starred quote is printed in quotation marks");
  assert.ok(rowsB.includes(`“${starredB[0]}”`), "theme B's starred quote is printed in quotation marks");
  const text = plain(xml);
  assert.ok(
    text.indexOf("Themes indicating positive influence") < text.indexOf("Themes indicating negative influence"),
    "the table is split by the influence attribute",
  );
  assert.match(text, /Mentee response/, "the table is grouped by role");
});
