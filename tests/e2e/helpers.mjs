// Shared plumbing of the end-to-end tests: each test file starts its own
// tauri-driver (which starts WebKitWebDriver, which starts the real app
// binary) with a private HOME, so recent-project lists and the demo study
// of one test never leak into another.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const APP = process.env.ACCORD_APP ?? join(ROOT, "target/debug/accord-desktop");
export const SCREENSHOTS = join(ROOT, "target/screenshots");
export const FIXTURES = join(ROOT, "fixtures");

function waitForPort(port, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePort, reject) => {
    const attempt = () => {
      const socket = createConnection({ port, host: "127.0.0.1" });
      socket.once("connect", () => {
        socket.end();
        resolvePort();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`tauri-driver did not listen on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

let nextPort = 4444 + (process.pid % 200) * 2;

/**
 * Starts tauri-driver and a session of the app. Returns { browser, home, stop }.
 * `args` are passed to the app (e.g. ["--demo"] or a project path).
 */
export async function launch({ args = [], home } = {}) {
  home ??= mkdtempSync(join(tmpdir(), "accord-e2e-"));
  for (const d of [".config", ".local/share", "Documents"]) mkdirSync(join(home, d), { recursive: true });
  const port = nextPort;
  nextPort += 2;
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], {
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_DATA_HOME: join(home, ".local/share"),
      XDG_DOCUMENTS_DIR: join(home, "Documents"),
      // Keeps GTK from asking a session bus for accessibility on Xvfb.
      NO_AT_BRIDGE: "1",
    },
    stdio: ["ignore", "ignore", "pipe"],
    // Its own process group, holding WebKitWebDriver and the app too, so
    // that stop() can end all three: an app left running keeps this pipe
    // open and the test file would never exit.
    detached: true,
  });
  let driverLog = "";
  driver.stderr.on("data", (d) => (driverLog += d));
  await waitForPort(port);
  let browser;
  try {
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      // E2E_LOG=info logs every WebDriver command (which element a failing click hit).
      logLevel: process.env.E2E_LOG ?? "error",
      capabilities: { "tauri:options": { application: APP, args } },
    });
  } catch (e) {
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    throw new Error(`could not start the app: ${e.message}\n${driverLog}`);
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await browser.deleteSession();
    } catch {
      /* the app may already be gone */
    }
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      /* the group has already exited */
    }
    driver.stderr.destroy();
    driver.unref();
  };
  return { browser, home, stop };
}

/** Waits for the element and returns it. */
export async function shown(browser, selector, timeout = 15000) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout, timeoutMsg: `${selector} was not shown within ${timeout} ms` });
  return el;
}

/**
 * Rendered text of the element once it is shown. Reads `innerText`:
 * WebKitWebDriver's getText returned "" for an ellipsised flex child.
 */
export async function textOf(browser, selector) {
  return (await shown(browser, selector)).getProperty("innerText");
}

/**
 * Saves a screenshot of what the user sees. Waits two animation frames
 * first: a screenshot taken right after a DOM change was once stale
 * (shared/TAURI_NOTES.md, pitfall 7).
 */
export async function screenshot(browser, name) {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const png = await browser.takeScreenshot();
  writeFileSync(join(SCREENSHOTS, `${name}.png`), Buffer.from(png, "base64"));
}
