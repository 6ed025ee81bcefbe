// The "task definition" code lens in code-server's VS Code workbench, driven by
// tests/clients/test_vscode_task_definition.py:  node task_definition.js '<json options>'  -> JSON result on stdout.
//
// Options: base (code-server URL), folder, file (relative to folder), env (the environment whose lens
// to click), expectLine (text of a line the task definition shows at its top), screenshot (taken with
// the containers' fields folded),
// failureScreenshot, chromium.
"use strict";

const { QUICK_INPUT, drive } = require("./workbench");

const opts = JSON.parse(process.argv[2]);

// The editor's lines in order (Monaco keeps them in the DOM in any order, each placed by its `top`).
const editorText = (page) =>
  page.evaluate(() => {
    const lines = document.querySelector(".editor-instance .view-lines");
    if (!lines) return "";
    return Array.from(lines.querySelectorAll(".view-line"))
      .map((line) => [parseFloat(line.style.top), line.textContent.replace(/\u00a0/g, " ")])
      .sort((a, b) => a[0] - b[0])
      .map(([, text]) => text)
      .join("\n");
  });

// The workbench opens the service's manifest with Quick Open, like a user who knows its path.
drive(opts, async (page, result, mark) => {
  const input = page.locator(QUICK_INPUT);

  // The lenses above `environments.<env>`: "<env> · N overrides · show merged | task definition".
  const envLenses = page.locator(".codelens-decoration", { hasText: `${opts.env} · ` }).first();
  const lens = envLenses.locator("a", { hasText: /^task definition$/ }).first();
  await lens.waitFor({ timeout: 60000 });
  result.lenses = await page.locator(".codelens-decoration").allInnerTexts();
  mark("lens");

  // Clicking it runs the server's command, which asks VS Code to show the task definition.
  await lens.click();
  const tab = page.locator(".tabs-container .tab.active", { hasText: `(${opts.env} task definition)` }).first();
  await tab.waitFor({ timeout: 30000 });
  await page.locator(".editor-instance .view-line", { hasText: opts.expectLine }).first().waitFor({ timeout: 30000 });
  mark("shown");
  result.activeTab = (await tab.textContent()).trim();

  // The language mode in the status bar (the extension sets it once the document opens).
  const mode = page.locator('[id="status.editor.mode"]').first();
  await page.waitForFunction(
    () => (document.getElementById("status.editor.mode")?.textContent || "").trim() === "JSON",
    null,
    { timeout: 15000 },
  ).catch(() => {});
  result.languageMode = (await mode.innerText()).trim();
  mark("language");

  // Read-only: typing changes nothing, and VS Code says why.
  const before = await editorText(page);
  await page.locator(".editor-instance .view-line", { hasText: opts.expectLine }).first().click();
  await page.keyboard.type("x");
  const message = page.locator(".monaco-editor-overlaymessage").first();
  await message.waitFor({ timeout: 5000 }).catch(() => {});
  result.readOnlyMessage = (await message.count()) ? (await message.innerText()).trim() : null;
  result.changedByTyping = (await editorText(page)) !== before;
  await page.keyboard.press("Escape");

  // The whole document: a window tall enough to lay out every line.
  await page.setViewportSize({ width: 1280, height: 2600 });
  let text = "";
  for (let i = 0; i < 50; i += 1) {
    await page.waitForTimeout(200);
    text = await editorText(page);
    try {
      JSON.parse(text);
      break;
    } catch {
      // not laid out yet
    }
  }
  result.text = text;
  mark("text");

  // The picture: each container folded to its own fields (Fold Level 4), so the sidecar shows too.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator(".editor-instance .view-line", { hasText: opts.expectLine }).first().click();
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("F1");
  await input.waitFor({ state: "visible", timeout: 15000 });
  await input.fill(">Fold Level 4");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "Fold Level 4" }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press("Enter");
  await page.waitForTimeout(800);
  result.foldedLines = await editorText(page);
  await page.screenshot({ path: opts.screenshot });
  mark("screenshot");
});
