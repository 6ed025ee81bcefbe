// What the code-server drivers here share: Chromium, the folder's workbench, a file opened with Quick
// Open (as a user who knows its path), and the timings each driver reports with its result.
"use strict";

const { chromium } = require("playwright-core");

const QUICK_INPUT = ".quick-input-widget input";

/** A clock: `mark(name)` records the milliseconds since it started into `timings`. */
function stopwatch() {
  const t0 = Date.now();
  const timings = {};
  return { timings, mark: (name) => (timings[name] = Date.now() - t0) };
}

/** Chromium, headless, as the client tests run it (`opts.chromium` names the binary). */
function launch(opts) {
  return chromium.launch({
    executablePath: opts.chromium || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** The workbench of `opts.folder` at `opts.base`, once its editor part and explorer are drawn. */
async function openWorkbench(browser, opts) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${opts.base}/?folder=${encodeURIComponent(opts.folder)}`, { waitUntil: "domcontentloaded" });
  await page.waitForSelector(".monaco-workbench .part.editor", { timeout: 60000 });
  await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60000 });
  return page;
}

/** Open `file` (relative to the folder) with Quick Open; resolves once the editor shows its lines. */
async function quickOpen(page, file) {
  await page.locator(".monaco-workbench").click({ position: { x: 640, y: 300 } }).catch(() => {});
  await page.keyboard.press("Control+P");
  const input = page.locator(QUICK_INPUT);
  await input.waitFor({ state: "visible", timeout: 15000 });
  await input.fill(file);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "manifest.yml" }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press("Enter");
  await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor({ timeout: 15000 });
}

/** A driver's failure: `result` says so with the error, and the page is kept as `opts.failureScreenshot`. */
async function failed(browser, opts, result, error) {
  result.ok = false;
  result.error = String(error && error.stack ? error.stack : error).slice(0, 2000);
  try {
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages[0] && opts.failureScreenshot) await pages[0].screenshot({ path: opts.failureScreenshot });
  } catch {
    // best effort: the error itself is what the test reports
  }
}

/**
 * One driver run: Chromium, the folder's workbench, `opts.file` opened with Quick Open, then
 * `steps(page, result, mark)`; prints `result` (with `ok`, the timings, and on failure the error and
 * `opts.failureScreenshot`) as one JSON line.
 */
async function drive(opts, steps) {
  const { timings, mark } = stopwatch();
  const result = { timings };
  const browser = await launch(opts);
  try {
    const page = await openWorkbench(browser, opts);
    mark("workbench");
    await quickOpen(page, opts.file);
    mark("editor");
    await steps(page, result, mark);
    result.ok = true;
  } catch (error) {
    await failed(browser, opts, result, error);
  } finally {
    await browser.close().catch(() => {});
  }
  mark("total");
  process.stdout.write(JSON.stringify(result) + "\n");
}

module.exports = { QUICK_INPUT, stopwatch, launch, openWorkbench, quickOpen, failed, drive };
