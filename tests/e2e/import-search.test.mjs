// Import and search through the app, as a researcher does it: a new project,
// demo files brought in through the import dialog (paths pasted, since
// WebDriver cannot drive a native file dialog), the report, the sources
// panel and cases table, a phrase search and a hit opened in the document.
// A malformed file shows its error and adds nothing.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { FIXTURES, launch, screenshot, shown, textOf } from "./helpers.mjs";

const sessions = [];
after(async () => Promise.all(sessions.map((s) => s.stop())));

const SURVEY = join(FIXTURES, "demo/surveys/mentor-end-of-program.csv");
const TRANSCRIPT = join(FIXTURES, "demo/focus-group/focus-group.vtt");
const INTERVIEW = join(FIXTURES, "demo/interviews/interview-mentee-ME-014.docx");

async function newProject(browser, home, name) {
  await shown(browser, '[data-testid="start-screen"]');
  const folder = await shown(browser, 'input[name="project-folder"]');
  await folder.setValue(join(home, "Documents", "Accord"));
  await (await shown(browser, 'input[name="project-name"]')).setValue(name);
  await (await shown(browser, 'button[type="submit"]')).click();
  await shown(browser, '[data-testid="workspace"]');
}

/** Adds files to the open import dialog through its "paste file paths" field. */
async function addPaths(browser, paths) {
  for (const p of paths) {
    const before = (await browser.$$('[data-testid="import-file"]')).length;
    await (await shown(browser, '[data-testid="import-paths"]')).setValue(p);
    await (await shown(browser, '[data-testid="import-paths-add"]')).click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="import-file"]')).length === before + 1, {
      timeout: 15000,
      timeoutMsg: `the preview of ${p} did not appear`,
    });
  }
}

/** The file card in the import dialog that names `file`. */
async function fileCard(browser, file) {
  for (const card of await browser.$$('[data-testid="import-file"]')) {
    if ((await card.getProperty("innerText")).includes(file)) return card;
  }
  throw new Error(`no file card names ${file}`);
}

test("imports demo files through the import dialog, searches a phrase and opens the hit highlighted", async () => {
  const s = await launch();
  sessions.push(s);
  const { browser, home } = s;
  await newProject(browser, home, "Import study");
  await shown(browser, '[data-testid="sources-empty"]');

  await (await shown(browser, '[data-testid="import-open"]')).click();
  await shown(browser, '[data-testid="import-dialog"]');
  await addPaths(browser, [SURVEY, TRANSCRIPT, INTERVIEW]);

  const survey = await fileCard(browser, "mentor-end-of-program.csv");
  const surveyText = await survey.getProperty("innerText");
  assert.match(surveyText, /Survey · CSV from Google Forms · 27 responses/, "the survey's kind, tool and size are detected");
  const columnRows = await survey.$$('[data-testid="survey-column"]');
  assert.ok(columnRows.length >= 10, `the survey's columns are listed with their types (got ${columnRows.length})`);
  const idType = await survey.$('select[aria-label^="Type of column Participant ID"]');
  assert.equal(await idType.getValue(), "respondent_id", "the participant id column is detected as the respondent id");
  const rankType = await survey.$('select[aria-label^="Type of column What is your current academic rank"]');
  assert.equal(await rankType.getValue(), "categorical", "a question answered from a short list is categorical");
  // Everyone in this file is a mentor: a file-wide attribute.
  await (await survey.$('[data-testid="import-attr-add"]')).click();
  await (await survey.$('[data-testid="import-attr-name"]')).setValue("role");
  await (await survey.$('[data-testid="import-attr-value"]')).setValue("mentor");

  const transcript = await fileCard(browser, "focus-group.vtt");
  assert.match(await transcript.getProperty("innerText"), /Transcript · WebVTT · 8 speakers/, "the transcript's speakers are found");
  const ticked = [];
  for (const label of await transcript.$$("label.speaker")) {
    if (await (await label.$("input")).isSelected()) ticked.push((await label.getProperty("innerText")).trim());
  }
  assert.deepEqual(
    ticked.sort(),
    ["Rachel Goldberg", "Tomás Ibarra"].sort(),
    "the two speakers without a participant id are suggested as moderators",
  );

  const interview = await fileCard(browser, "interview-mentee-ME-014.docx");
  assert.match(await interview.getProperty("innerText"), /Interview notes · Word document/, "the DOCX is read as interview notes");
  assert.equal(
    await (await interview.$('[data-testid="import-case"]')).getValue(),
    "ME-014",
    "the interviewee is suggested from the file name",
  );
  await screenshot(browser, "10-import-preview");

  await (await shown(browser, '[data-testid="import-start"]')).click();
  await shown(browser, '[data-testid="import-report"]', 60000);
  const outcomes = await browser.$$('[data-testid="import-outcome"]');
  assert.equal(outcomes.length, 3, "the report has one line per file");
  for (const o of outcomes) {
    assert.equal(await o.getAttribute("data-status"), "imported", `imported: ${await o.getProperty("innerText")}`);
  }
  const report = await textOf(browser, '[data-testid="import-report"]');
  assert.match(report, /mentor-end-of-program\.csv[\s\S]*3 sources · 75 units · 27 cases/, "each free-text question is a source");
  assert.match(report, /focus-group\.vtt[\s\S]*1 source · 324 units · 8 cases/, "the transcript's turns and speakers are reported");
  assert.match(report, /interview-mentee-ME-014\.docx[\s\S]*1 source · 35 units · 1 case\b/, "the notes are linked to their interviewee");
  await screenshot(browser, "11-import-report");

  await (await shown(browser, '[data-testid="import-done"]')).click();
  await shown(browser, '[data-testid="source-group-survey"]');
  assert.match(
    await textOf(browser, '[data-testid="sources-counts"]'),
    /5 sources · 434 units · 36 cases/,
    "the header counts every source, unit and case imported",
  );
  assert.match(
    await textOf(browser, '[data-testid="source-group-survey"] [data-testid="source-group-counts"]'),
    /3 questions · 75 units/,
    "each free-text question of the survey is a source",
  );
  assert.match(
    await textOf(browser, '[data-testid="source-group-transcript"] [data-testid="source-group-counts"]'),
    /1 file · 324 units/,
  );
  assert.match(
    await textOf(browser, '[data-testid="source-group-notes"] [data-testid="source-group-counts"]'),
    /1 file · 35 units/,
  );
  await screenshot(browser, "12-sources");

  // Cases: the mentors carry the role given on import, moderators are marked.
  await (await shown(browser, '[data-testid="nav-cases"]')).click();
  await shown(browser, '[data-testid="cases-table"]');
  assert.equal((await browser.$$('[data-testid="case-row"]')).length, 36, "one row per case");
  await (await shown(browser, '[data-testid="cases-filter"]')).setValue("mentor");
  await browser.waitUntil(async () => (await browser.$$('[data-testid="case-row"]')).length === 27, {
    timeoutMsg: "filtering on 'mentor' keeps the 27 survey respondents given role = mentor",
  });
  await (await shown(browser, '[data-testid="cases-filter"]')).setValue("Moderator");
  await browser.waitUntil(async () => (await browser.$$('[data-testid="case-row"]')).length === 2, {
    timeoutMsg: "the two ticked moderators are moderator cases",
  });
  await (await shown(browser, '[data-testid="cases-filter"]')).click();
  await browser.keys(["Control", "a"]);
  await browser.keys(["Backspace"]);
  await browser.waitUntil(async () => (await browser.$$('[data-testid="case-row"]')).length === 36);
  await screenshot(browser, "13-cases");

  // The document view shows a coder their own codings, so act as one.
  await (await shown(browser, '[data-testid="coder-add"]')).click();
  await (await shown(browser, '[data-testid="coder-name"]')).setValue("Dr. Amara Okafor");
  await (await shown(browser, '[data-testid="coder-add-save"]')).click();
  const who = await shown(browser, '[data-testid="coder-select"]');
  await browser.waitUntil(async () => (await who.getValue()) !== "", {
    timeoutMsg: "a coder just added is the one the app acts for",
  });

  // Search a phrase.
  await (await shown(browser, '[data-testid="nav-search"]')).click();
  const input = await shown(browser, '[data-testid="search-input"]');
  await input.setValue('"good match"');
  await browser.keys("Enter");
  const totals = await textOf(browser, '[data-testid="search-totals"]');
  assert.match(totals, /5 matching units in 2 sources · 4 cases/, `totals of the phrase search: ${totals}`);
  const hits = await browser.$$('[data-testid="search-hit"]');
  assert.equal(hits.length, 5, "every matching unit is listed");
  const marks = await browser.$$('[data-testid="search-snippet"] mark');
  assert.ok(marks.length >= 5, "each snippet highlights its match");
  assert.equal(
    (await marks[0].getProperty("innerText")).toLowerCase(),
    "good match",
    "the phrase is highlighted as one passage",
  );
  assert.equal(
    await (await shown(browser, '[data-testid="code-all-hits"]')).isEnabled(),
    true,
    "acting as a coder, the hits can be coded at once",
  );
  await screenshot(browser, "14-search");

  // The keyboard picks the first hit and opens it.
  const firstHit = await hits[0].getProperty("innerText");
  await input.click();
  await browser.keys(["ArrowDown"]);
  await browser.keys(["Enter"]);
  await shown(browser, '[data-testid="document-text"]');
  const highlight = await shown(browser, '[data-testid="passage-highlight"]');
  assert.equal(
    (await highlight.getProperty("innerText")).toLowerCase().replace(/\s+/g, " "),
    "good match",
    `the document highlights the matched phrase of the hit opened (${firstHit.split("\n")[0]})`,
  );
  await browser.waitUntil(async () => highlight.isDisplayed({ withinViewport: true }), {
    timeoutMsg: "the highlighted passage is scrolled into view",
  });
  await screenshot(browser, "15-search-hit-opened");
});

test("a malformed file shows its error naming the file and place, and nothing is added", async () => {
  const s = await launch();
  sessions.push(s);
  const { browser, home } = s;
  await newProject(browser, home, "Malformed");
  await (await shown(browser, '[data-testid="import-open"]')).click();
  await shown(browser, '[data-testid="import-dialog"]');
  await addPaths(browser, [join(FIXTURES, "malformed/bad-quoting.csv"), join(FIXTURES, "malformed/truncated.docx")]);

  const csv = await fileCard(browser, "bad-quoting.csv");
  const csvError = await (await csv.$('[data-testid="import-file-error"]')).getProperty("innerText");
  assert.match(csvError, /line 3/, `the error points at the line where the quote opens: ${csvError}`);
  assert.match(csvError, /quot/, "the error says what is wrong");
  const docx = await fileCard(browser, "truncated.docx");
  const docxError = await (await docx.$('[data-testid="import-file-error"]')).getProperty("innerText");
  assert.match(docxError, /damaged|incomplete|Word/i, `the error says the Word file is damaged: ${docxError}`);
  assert.equal(
    await (await shown(browser, '[data-testid="import-start"]')).isEnabled(),
    false,
    "files that cannot be read cannot be imported",
  );
  await screenshot(browser, "16-import-malformed");

  await browser.keys("Escape");
  await browser.waitUntil(async () => !(await (await browser.$('[data-testid="import-dialog"]')).isExisting()), {
    timeoutMsg: "Escape closes the import dialog",
  });
  await shown(browser, '[data-testid="sources-empty"]');
  assert.match(await textOf(browser, '[data-testid="sources-counts"]'), /0 sources · 0 units · 0 cases/, "nothing was added");
});
