// The "show merged" code lens in code-server's VS Code workbench, driven by
// tests/clients/test_vscode_merged.py:  node merged.js '<json options>'  -> JSON result on stdout.
//
// Options: base (code-server URL), folder, file (relative to folder), lens (the lens title to click),
// expectHeader (text of the rendering's first line), definitionFrom (text of the rendered line to
// go to definition from), lensScreenshot, mergedScreenshot, failureScreenshot, chromium.
"use strict";

const { chromium } = require("playwright-core");

const opts = JSON.parse(process.argv[2]);
const t0 = Date.now();
const timings = {};
const mark = (name) => (timings[name] = Date.now() - t0);
const result = { timings };

(async () => {
  const browser = await chromium.launch({
    executablePath: opts.chromium || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${opts.base}/?folder=${encodeURIComponent(opts.folder)}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".monaco-workbench .part.editor", { timeout: 60000 });
    await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60000 });
    mark("workbench");

    // Open the service's manifest with Quick Open, like a user who knows its path.
    await page.locator(".monaco-workbench").click({ position: { x: 640, y: 300 } }).catch(() => {});
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: 15000 });
    await input.fill(opts.file);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "manifest.yml" }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press("Enter");
    await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor({ timeout: 15000 });
    mark("editor");

    // The code lens above `environments.prod`.
    const lens = page.locator(".codelens-decoration a", { hasText: opts.lens }).first();
    await lens.waitFor({ timeout: 60000 });
    result.lenses = await page.locator(".codelens-decoration").allInnerTexts();
    mark("lens");
    await page.screenshot({ path: opts.lensScreenshot });

    // Clicking it runs the server's command, which asks VS Code to show the rendering.
    await lens.click();
    const header = page.locator(".editor-instance .view-line", { hasText: opts.expectHeader }).first();
    await header.waitFor({ timeout: 30000 });
    mark("merged");
    result.tabs = await page.locator(".tabs-container .tab").allInnerTexts();
    result.mergedLines = await page.locator(".editor-instance .view-lines").first().innerText();
    await page.screenshot({ path: opts.mergedScreenshot });

    // Go to definition (F12) from a rendered value: back to the line of the manifest that set it.
    const from = page.locator(".editor-instance .view-line span", { hasText: opts.definitionFrom }).first();
    await from.click();
    await page.keyboard.press("F12");
    const status = page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first();
    await page.waitForFunction(
      (want) => Array.from(document.querySelectorAll(".tabs-container .tab.active")).some((t) => t.textContent.includes(want)),
      "manifest.yml",
      { timeout: 15000 },
    );
    await page.waitForTimeout(500);
    result.definitionStatus = await status.innerText();
    result.activeTab = await page.locator(".tabs-container .tab.active").first().innerText();
    mark("definition");
    result.ok = true;
  } catch (error) {
    result.ok = false;
    result.error = String(error && error.stack ? error.stack : error).slice(0, 2000);
    try {
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages[0] && opts.failureScreenshot) await pages[0].screenshot({ path: opts.failureScreenshot });
    } catch {
      // best effort
    }
  } finally {
    await browser.close().catch(() => {});
  }
  mark("total");
  process.stdout.write(JSON.stringify(result) + "\n");
})();
