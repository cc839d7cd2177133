// The start screen: creating a project, and refusing files that are not
// (or not yet) readable Accord projects without changing them.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { FIXTURES, launch, screenshot, shown, textOf } from "./helpers.mjs";

const sessions = [];
after(async () => Promise.all(sessions.map((s) => s.stop())));

test("creates a project from the start screen and shows its empty sources panel", async () => {
  const s = await launch();
  sessions.push(s);
  const { browser, home } = s;
  await shown(browser, '[data-testid="start-screen"]');
  await screenshot(browser, "01-start");

  const folderInput = await shown(browser, 'input[name="project-folder"]');
  const folder = join(home, "Documents", "Accord");
  assert.equal(await folderInput.getValue(), folder, "new projects default to ~/Documents/Accord");
  await (await shown(browser, 'input[name="project-name"]')).setValue("Mentorship evaluation");
  await (await shown(browser, 'button[type="submit"]')).click();

  await shown(browser, '[data-testid="workspace"]');
  assert.equal(
    await textOf(browser, '[data-testid="project-name"]'),
    "Mentorship evaluation",
    "the sidebar names the project just created",
  );
  assert.equal(await browser.getTitle(), "Mentorship evaluation — Accord", "the window title names the project");
  await shown(browser, '[data-testid="sources-empty"]');
  assert.ok(
    existsSync(join(folder, "Mentorship evaluation.accord")),
    "the project file exists on disk where the form said",
  );
  await screenshot(browser, "02-new-project-sources");

  // Closing returns to the start screen, which now lists the project.
  await (await shown(browser, '[data-testid="close-project"]')).click();
  await shown(browser, '[data-testid="start-screen"]');
  const recent = await textOf(browser, "section.recent");
  assert.match(recent, /Mentorship evaluation/, "the project is in the recent list after closing");
});

for (const [file, heading, detail] of [
  ["not-sqlite.accord", "This file is not an Accord project", /not an SQLite database/],
  ["other-program.accord", "This file is not an Accord project", /another program/],
  ["newer-version.accord", "This project needs a newer Accord", /newer version of Accord/],
]) {
  test(`refuses ${file} with a clear message and leaves it unchanged`, async () => {
    const s = await launch();
    sessions.push(s);
    const copy = join(s.home, file);
    copyFileSync(join(FIXTURES, "schema", file), copy);
    const before = readFileSync(copy);
    await s.stop();

    // Launching with a file is how a file manager opens a project.
    const t = await launch({ home: s.home, args: [copy] });
    sessions.push(t);
    const message = await textOf(t.browser, '[data-testid="start-error"]');
    assert.match(message, new RegExp(heading), "the heading says what kind of problem it is");
    assert.match(message, detail, "the message explains why");
    assert.match(message, new RegExp(file.replace(".", "\\.")), "the message names the file");
    await screenshot(t.browser, `03-refused-${file.replace(".accord", "")}`);
    assert.deepEqual(readFileSync(copy), before, "a refused file's bytes are unchanged");
  });
}
