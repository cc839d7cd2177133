// REFI-QDA exchange from the File menu (issue 7, Interfaces): export the demo
// study as .qdpx with its report of what was not carried, check the file
// against the schema, and import another program's .qdpx as a new project.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { FIXTURES, ROOT, launch, screenshot, shown, textOf } from "./helpers.mjs";

const sessions = [];
after(async () => Promise.all(sessions.map((s) => s.stop())));

/** Waits for the dialog's report, failing with the dialog's message if it shows an error instead. */
async function report(browser) {
  await browser.waitUntil(
    async () =>
      (await browser.$('[data-testid="exchange-report"]').isExisting()) ||
      (await browser.$('[role="dialog"] [role="alert"]').isExisting()),
    { timeout: 60000, timeoutMsg: "neither a report nor an error was shown" },
  );
  const alert = await browser.$('[role="dialog"] [role="alert"]');
  if (await alert.isExisting()) assert.fail(`the dialog reported an error: ${await alert.getProperty("innerText")}`);
}

async function fileMenu(browser, item) {
  await (await shown(browser, '[data-testid="file-menu-button"]')).click();
  await shown(browser, '[data-testid="file-menu"]');
  await (await shown(browser, `[data-testid="${item}"]`)).click();
}

test("exports the demo study as .qdpx with a report, and the file validates", async () => {
  const s = await launch({ args: ["--demo"] });
  sessions.push(s);
  const { browser, home } = s;
  await shown(browser, '[data-testid="workspace"]', 60000);

  // The menu opens from the keyboard too: Enter on the button, arrows move, Esc closes.
  const button = await shown(browser, '[data-testid="file-menu-button"]');
  await button.click();
  const menu = await shown(browser, '[data-testid="file-menu"]');
  const items = await menu.getProperty("innerText");
  for (const label of ["Export project as REFI-QDA", "Import REFI-QDA project", "Merge a coder's copy", "Export theme table", "Close project"])
    assert.ok(items.includes(label), `the File menu offers "${label}"`);
  await browser.keys(["ArrowDown"]);
  const focused = await browser.execute(() => document.activeElement?.textContent ?? "");
  assert.match(focused, /Import REFI-QDA project/, "ArrowDown moves to the next item");
  await screenshot(browser, "50-file-menu");
  await browser.keys(["Escape"]);
  await browser.waitUntil(async () => !(await browser.$('[data-testid="file-menu"]').isExisting()), {
    timeout: 5000,
    timeoutMsg: "Esc did not close the File menu",
  });

  await fileMenu(browser, "file-qdpx-export");
  await shown(browser, '[data-testid="qdpx-export-dialog"]');
  const out = join(home, "Documents", "demo study.qdpx");
  const field = await shown(browser, 'input[name="qdpx-path"]');
  assert.match(await field.getValue(), /\.qdpx$/, "the path is prefilled with a .qdpx name");
  await field.clearValue();
  await field.setValue(out);
  await (await shown(browser, '[data-testid="qdpx-export-run"]')).click();
  await report(browser);
  const written = await textOf(browser, '[data-testid="report-written"]');
  assert.match(written, /14 sources/, `the report says what was written: ${written}`);
  assert.match(written, /2 coders/, written);
  const notCarried = await textOf(browser, '[data-testid="report-not-carried"]');
  assert.match(notCarried, /10 themes/, `the report lists the themes as not carried: ${notCarried}`);
  assert.match(notCarried, /reconciliation decisions/, "the report lists the decisions as not carried");
  await screenshot(browser, "51-qdpx-report");
  await (await shown(browser, '[data-testid="dialog-done"]')).click();

  assert.ok(existsSync(out), "the .qdpx is written where the path field said");
  const python = join(ROOT, ".venv/bin/python");
  assert.ok(existsSync(python), `the validator needs ${python}; run scripts/setup`);
  try {
    execFileSync(python, [join(FIXTURES, "refi-qda/schema/validate.py"), out], { encoding: "utf8" });
  } catch (e) {
    assert.fail(`the exported .qdpx validates against the REFI-QDA schema:\n${e.stdout}${e.stderr}`);
  }
});

test("imports an NVivo .qdpx as a new project and shows its sources", async () => {
  const s = await launch({ args: ["--demo"] });
  sessions.push(s);
  const { browser } = s;
  await shown(browser, '[data-testid="workspace"]', 60000);

  await fileMenu(browser, "file-qdpx-import");
  await shown(browser, '[data-testid="qdpx-import-dialog"]');
  const sample = join(FIXTURES, "refi-qda/samples/cproctor_nvivo_project.qdpx");
  await (await shown(browser, 'input[name="qdpx-file"]')).setValue(sample);
  const target = await shown(browser, 'input[name="qdpx-project"]');
  await browser.waitUntil(async () => (await target.getValue()).endsWith("cproctor_nvivo_project.accord"), {
    timeout: 5000,
    timeoutMsg: "the new project is not named after the file",
  });
  await (await shown(browser, '[data-testid="qdpx-import-run"]')).click();
  await report(browser);
  const imported = await textOf(browser, '[data-testid="exchange-report"]');
  assert.match(imported, /NVivo for Mac/, `the report names the program that wrote the file: ${imported}`);
  assert.match(imported, /2 sources/, imported);
  assert.match(imported, /262 codes/, imported);
  await (await shown(browser, '[data-testid="dialog-done"]')).click();

  assert.equal(
    await textOf(browser, '[data-testid="project-name"]'),
    "cproctor_nvivo_project",
    "the imported project is the one open now",
  );
  await shown(browser, '[data-testid="sources-screen"]');
  await browser.waitUntil(async () => (await browser.$$('[data-testid="source-row"]')).length === 2, {
    timeout: 10000,
    timeoutMsg: "the two sources of the NVivo file are not listed",
  });
  const sources = await textOf(browser, '[data-testid="sources-screen"]');
  assert.match(sources, /66653866-6334/, "the sources screen lists the imported sources by title");
});
