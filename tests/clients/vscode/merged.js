// The "show merged" code lens in code-server's VS Code workbench, driven by
// tests/clients/test_vscode_merged.py:  node merged.js '<json options>'  -> JSON result on stdout.
//
// Options: base (code-server URL), folder, file (relative to folder), lens (the lens title to click),
// expectHeader (text of the rendering's first line), definitionFrom (text of the rendered line to
// go to definition from), lensScreenshot, mergedScreenshot, failureScreenshot, chromium.
"use strict";

const { drive } = require("./workbench");

const opts = JSON.parse(process.argv[2]);

// The workbench opens the service's manifest with Quick Open, like a user who knows its path.
drive(opts, async (page, result, mark) => {
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
});
