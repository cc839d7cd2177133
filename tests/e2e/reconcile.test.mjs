// Agreement and reconciliation on the demo study, in the real app: the
// agreement table matches the command line's figures, and a decision on a
// discrepancy moves the progress, changes the consensus, lands in the audit
// log with its note, and can be undone.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ROOT, launch, screenshot, shown, textOf } from "./helpers.mjs";

const ACCORD = process.env.ACCORD_CLI ?? join(ROOT, "target/debug/accord");

let session;
/** The CLI's report on the same demo study, built in a temp folder. */
let expected;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "accord-e2e-cli-"));
  const file = join(dir, "demo.accord");
  execFileSync(ACCORD, ["demo", file]);
  expected = JSON.parse(execFileSync(ACCORD, ["agreement", file, "--unit", "unit", "--json"], { encoding: "utf8" }));
  session = await launch({ args: ["--demo"] });
});
after(async () => session?.stop());

/** Waits until `read()` returns something `ok` accepts, and returns it. */
async function until(browser, read, ok, what, timeout = 15000) {
  let last;
  await browser.waitUntil(
    async () => {
      last = await read();
      return ok(last);
    },
    { timeout, timeoutMsg: `${what} (last seen: ${JSON.stringify(last)})` },
  );
  return last;
}

const progressOf = async (browser) => {
  const text = await textOf(browser, '[data-testid="reconcile-progress"]');
  const m = text.match(/(\d+) of (\d+) resolved/);
  assert.ok(m, `the progress reads "N of M resolved", got "${text}"`);
  return { resolved: Number(m[1]), total: Number(m[2]) };
};

const kappaCells = (browser) =>
  browser.execute(() =>
    [...document.querySelectorAll('[data-testid="agreement-row"]')].map((r) => ({
      code: r.getAttribute("data-code"),
      kappa: r.querySelector('[data-testid="kappa"]').innerText.trim(),
    })),
  );

test("agreement on the demo study shows the command line's figures, sorted and charted", async () => {
  const { browser } = session;
  await shown(browser, '[data-testid="workspace"]');
  await (await shown(browser, '[data-testid="nav-agreement"]')).click();
  await shown(browser, '[data-testid="agreement-table"]');
  await (await shown(browser, '[data-unit="unit"]')).click();

  const rows = await until(
    browser,
    () => kappaCells(browser),
    (r) => r.length === expected.codes.length,
    "the table lists every code of the report",
  );
  assert.deepEqual(
    rows.map((r) => r.code),
    expected.codes.map((c) => c.path),
    "the table's codes are the demo's codes, in codebook order",
  );
  for (const c of expected.codes) {
    const row = rows.find((r) => r.code === c.path);
    const want = c.summary.kappa.kind === "defined" ? c.summary.kappa.value.toFixed(3) : "undefined";
    assert.equal(row.kappa, want, `kappa of ${c.path} equals \`accord agreement --json\``);
  }
  const pooled = await textOf(browser, '[data-testid="pooled-kappa"]');
  assert.match(pooled, /^-?\d\.\d{3}$/, "the pooled kappa is shown as a number");
  assert.equal(pooled, expected.pooled.kappa.value.toFixed(3), "the pooled kappa equals the CLI's");
  await screenshot(browser, "30-agreement");

  // Sorting by kappa, highest first, then lowest first.
  await (await shown(browser, 'button[data-sort="kappa"]')).click();
  const desc = (await kappaCells(browser)).map((r) => Number(r.kappa));
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a), "one click sorts by kappa, highest first");
  await (await shown(browser, 'button[data-sort="kappa"]')).click();
  const asc = (await kappaCells(browser)).map((r) => Number(r.kappa));
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b), "a second click sorts lowest first");

  // A threshold above some kappas marks those codes.
  const threshold = await shown(browser, '[data-testid="kappa-threshold"]');
  await threshold.setValue("0.8");
  const belowExpected = expected.codes.filter((c) => c.summary.kappa.kind === "defined" && c.summary.kappa.value < 0.8);
  const marked = await until(
    browser,
    () => browser.execute(() => [...document.querySelectorAll('[data-standing="below"]')].map((r) => r.getAttribute("data-code"))),
    (m) => m.length === belowExpected.length,
    "codes below kappa 0.8 are marked",
  );
  assert.deepEqual(
    [...marked].sort(),
    belowExpected.map((c) => c.path).sort(),
    "exactly the codes with kappa below 0.8 are marked",
  );
  const chart = await shown(browser, '[data-testid="kappa-chart"]');
  await chart.scrollIntoView();
  const bars = await browser.execute(() => document.querySelectorAll('[data-testid="kappa-chart"] rect.bar').length);
  assert.equal(bars, expected.codes.filter((c) => c.summary.kappa.kind === "defined").length, "one bar per defined kappa");
  await screenshot(browser, "31-agreement-chart");

  // The demo is in reconciliation, so each coder can be compared with the consensus.
  await (await shown(browser, '[data-testid="tab-consensus"]')).click();
  const consensusRows = await until(
    browser,
    () => browser.execute(() => [...document.querySelectorAll('[data-testid="consensus-row"]')].map((r) => r.innerText)),
    (r) => r.length === 2,
    "one row per coder against the consensus",
  );
  for (const c of expected.coders) {
    assert.ok(consensusRows.some((r) => r.includes(c.name)), `${c.name} is compared with the consensus`);
  }
});

test("a decision moves the progress, changes the consensus, is logged with its note, and can be undone", async () => {
  const { browser } = session;
  await (await shown(browser, '[data-testid="nav-reconcile"]')).click();
  await shown(browser, '[data-testid="discrepancy-list"]');
  const start = await progressOf(browser);
  assert.ok(start.total > start.resolved, "the demo study has undecided discrepancies");
  const consensusBefore = Number(
    await until(browser, () => textOf(browser, '[data-testid="consensus-count"]'), (t) => /^\d+$/.test(t), "the consensus is counted"),
  );
  await screenshot(browser, "32-reconcile-list");

  // Only the undecided ones, and the first of those.
  await (await shown(browser, '[data-testid="undecided-only"]')).click();
  await until(
    browser,
    () => browser.execute(() => [...document.querySelectorAll('[data-testid="discrepancy-item"]')].map((e) => e.dataset.decided)),
    (d) => d.length > 0 && d.every((x) => x === "false"),
    "the list shows undecided discrepancies only",
  );
  const item = await shown(browser, '[data-testid="discrepancy-item"][data-decided="false"]');
  const key = await item.getAttribute("data-key");
  await item.click();
  await shown(browser, '[data-testid="pane-a"]');
  await shown(browser, '[data-testid="code-definition"]');
  assert.match(await textOf(browser, '[data-testid="code-definition"]'), /Include when/i, "the definition shows inclusion criteria");
  await screenshot(browser, "33-side-by-side");

  // Union with a note, through the keyboard: N focuses the note, U decides.
  const note = "Both readings fit; keep the whole passage (e2e)";
  await (await shown(browser, '[data-testid="decision-note"]')).setValue(note);
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys("u");
  const after = await until(browser, () => progressOf(browser), (p) => p.resolved === start.resolved + 1, "the progress went up by one");
  assert.equal(after.total, start.total, "deciding does not change how many discrepancies there are");
  const consensusAfter = Number(
    await until(
      browser,
      () => textOf(browser, '[data-testid="consensus-count"]'),
      (t) => /^\d+$/.test(t) && Number(t) !== consensusBefore,
      "the consensus count changed",
    ),
  );
  assert.ok(consensusAfter > consensusBefore, "a union adds a consensus coding");
  const decided = await textOf(browser, '[data-testid="current-decision"]');
  assert.match(decided, /Union/, "the side-by-side shows the decision");
  assert.ok(decided.includes(note), "and its note");
  await screenshot(browser, "34-decided");

  await (await shown(browser, '[data-testid="open-audit"]')).click();
  const entry = await shown(browser, '[data-testid="audit-entry"][data-action="reconcile.decide"]');
  const entryText = await entry.getProperty("innerText");
  assert.match(entryText, /Union/, "the newest decision in the audit log is the union");
  assert.ok(entryText.includes(note), "the audit log holds the decision's note");
  await screenshot(browser, "35-audit-log");
  await (await shown(browser, 'button[aria-label="Close the audit log"]')).click();

  // Undo: the decision on the same discrepancy is taken back.
  assert.equal(
    await browser.execute(() => document.querySelector('[data-testid="discrepancy-item"][aria-selected="true"]')?.dataset.key ?? null),
    null,
    "with 'undecided only', the decided discrepancy has left the list",
  );
  await (await shown(browser, '[data-testid="undo-decision"]')).click();
  await until(browser, () => progressOf(browser), (p) => p.resolved === start.resolved, "undo brings the progress back");
  await until(
    browser,
    () => textOf(browser, '[data-testid="consensus-count"]'),
    (t) => Number(t) === consensusBefore,
    "undo restores the consensus",
  );
  await until(
    browser,
    () => browser.execute((k) => !!document.querySelector(`[data-testid="discrepancy-item"][data-key="${k}"]`), key),
    (present) => present,
    "the undone discrepancy is back among the undecided",
  );
});
