// Drive code-server's VS Code workbench in Debian's chromium and report what the user sees.
// Run by tests/clients/test_vscode.py:  node e2e.js '<json options>'   -> JSON result on stdout.
//
// Options: base (code-server URL), folder (workspace path), file (manifest path relative to folder),
// line / keyCol / valueCol (0-based position of `source_volume: <value>`), expectCode, expectVolume,
// expectHover, screenshot, hoverScreenshot, chromium. Optional: statusScreenshot (open the language
// status hover and report its text), servedFile + servedExpect (a YAML file outside copilot/ whose
// Problems entry must appear), ignoredFile (a YAML file that must get no problems), mode "broken"
// with expectNotification (text of the error notification to wait for).
"use strict";

const { stopwatch, launch, failed } = require("./workbench");

const opts = JSON.parse(process.argv[2]);
const { timings, mark } = stopwatch();
const result = { timings, consoleErrors: [] };

async function goTo(page, line, col) {
  // "Go to Line/Column" (Ctrl+G) takes 1-based `line:col`.
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10000 });
  // Newer VS Code opens Quick Open with a ":" prefix for this; keep it (fill() replaces the text).
  await input.fill(`:${line + 1}:${col + 1}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: `${line + 1}` }).first()
    .waitFor({ timeout: 5000 }).catch(() => {});
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 10000 });
}

// The language status hover (the `{}` in the status bar): what the extension reports.
async function languageStatus(page) {
  const item = page.locator('[id="status.languageStatus"]').first();
  await item.waitFor({ timeout: 20000 });
  const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: "Sidecar LSP" });
  await item.click();
  await hover.filter({ hasText: /Sidecar LSP \d/ }).first().waitFor({ timeout: 15000 });
  result.languageStatus = (await hover.first().innerText()).split("\n").map((l) => l.trim()).filter(Boolean);
  mark("languageStatus");
  if (opts.statusScreenshot) await page.screenshot({ path: opts.statusScreenshot });
  await page.keyboard.press("Escape");
}

// Problems panel rows, once one containing `text` is there (or after the timeout, then null).
async function problemsWith(page, text, timeout) {
  const rows = page.locator(".markers-panel .monaco-tl-row");
  try {
    await rows.filter({ hasText: text }).first().waitFor({ timeout });
  } catch {
    return null;
  }
  return rows.allInnerTexts();
}

async function openFile(page, file) {
  // Quick Open (Ctrl+P), like a user who knows the file name.
  await page.locator(".monaco-workbench").click({ position: { x: 640, y: 300 } }).catch(() => {});
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 15000 });
  await input.fill(file);
  const base = file.split("/").pop();
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: base }).first();
  await row.waitFor({ timeout: 15000 });
  await page.keyboard.press("Enter");
  await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor({ timeout: 15000 });
}

// What a user does on the test manifest: look at the squiggle and Problems, complete, hover.
async function userSession(page) {
  // 1. The squiggle under the cross-field mistake.
  await page.waitForSelector(".monaco-editor .squiggly-error", { timeout: 60000 });
  mark("squiggle");
  result.squiggles = await page.locator(".monaco-editor .squiggly-error").count();

  // 2. The Problems panel entry.
  await page.keyboard.press("Control+Shift+M");
  const problemRows = page.locator(".markers-panel .monaco-tl-row");
  await problemRows.filter({ hasText: opts.expectCode }).first().waitFor({ timeout: 20000 });
  result.problems = await problemRows.allInnerTexts();
  mark("problems");

  // 3. Completion after `source_volume: `.
  await page.locator(".editor-instance .view-lines").first().click();
  await goTo(page, opts.line, opts.valueCol);
  await page.keyboard.press("Control+Space");
  const suggestions = page.locator(".suggest-widget .monaco-list-row");
  await suggestions.first().waitFor({ timeout: 20000 });
  await page.locator(".suggest-widget .monaco-list-row", { hasText: opts.expectVolume }).first()
    .waitFor({ timeout: 10000 }).catch(() => {});
  result.suggestions = await suggestions.allInnerTexts();
  mark("completion");
  await page.screenshot({ path: opts.screenshot });
  await page.keyboard.press("Escape");

  // 4. Hover on the `source_volume` key: point at it with the mouse, like a user.
  const key = page.locator(".editor-instance .view-line span", { hasText: /^source_volume$/ }).first();
  let hoverText = "";
  try {
    await key.hover({ timeout: 5000 });
    const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents");
    await hover.filter({ hasText: opts.expectHover }).first().waitFor({ timeout: 15000 });
    hoverText = (await hover.allInnerTexts()).join("\n");
    result.hoverBy = "mouse";
  } catch (error) {
    // Fallback: the keyboard's "Show Hover" (Ctrl+K Ctrl+I) at the key.
    await page.keyboard.press("Escape");
    await goTo(page, opts.line, opts.keyCol + 2);
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    const hover = page.locator(".monaco-hover:not(.hidden)");
    await hover.filter({ hasText: opts.expectHover }).first().waitFor({ timeout: 15000 });
    hoverText = (await hover.allInnerTexts()).join("\n");
    result.hoverBy = "keyboard";
  }
  result.hover = hoverText;
  mark("hover");
  if (opts.hoverScreenshot) await page.screenshot({ path: opts.hoverScreenshot });
}

(async () => {
  const browser = await launch(opts);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("console", (msg) => {
      if (msg.type() === "error") result.consoleErrors.push(msg.text().slice(0, 300));
    });
    await page.goto(`${opts.base}/?folder=${encodeURIComponent(opts.folder)}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".monaco-workbench .part.editor", { timeout: 60000 });
    await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60000 });
    mark("workbench");

    await openFile(page, opts.file);
    mark("editor");

    if (opts.mode === "broken") {
      // The server cannot start: the user gets an error notification that says how to fix it. The
      // toast can be gone by the time the page is usable (VS Code hides startup toasts), so read it
      // where it stays: the notification center behind the status bar's bell.
      await page.locator(".statusbar-item .codicon-bell-dot").first().waitFor({ timeout: 60000 });
      await page.locator(".statusbar-item", { has: page.locator(".codicon-bell-dot") }).first().click();
      const item = page.locator(".notifications-center .notifications-list-container .monaco-list-row", {
        hasText: opts.expectNotification || "could not start",
      }).first();
      await item.waitFor({ timeout: 20000 });
      result.notification = await item.innerText();
      result.notifications = await page.locator(".notifications-center .monaco-list-row").allInnerTexts();
      mark("notification");
      if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
    } else if (opts.mode === "status") {
      // Only how the server was started: wait for it to publish, then read the language status.
      await page.waitForSelector(".monaco-editor .squiggly-error", { timeout: 60000 });
      mark("squiggle");
      await languageStatus(page);
      if (opts.command) {
        // Run a command from the palette, then wait until the language status shows what follows.
        result.languageStatusBefore = result.languageStatus;
        await page.keyboard.press("Control+Shift+P");
        const input = page.locator(".quick-input-widget input");
        await input.waitFor({ state: "visible", timeout: 10000 });
        await input.fill(`>${opts.command.title}`);
        await page.locator(".quick-input-list .monaco-list-row", { hasText: opts.command.title }).first().waitFor({ timeout: 10000 });
        await page.keyboard.press("Enter");
        const deadline = Date.now() + 40000;
        let last = [];
        for (;;) {
          await page.waitForTimeout(1000);
          await languageStatus(page).catch(() => {});
          last = result.languageStatus || [];
          if (last.join(" | ").includes(opts.command.expectStatus) || Date.now() > deadline) break;
        }
        result.languageStatusAfter = last;
        mark("command");
      }
    } else {
      await userSession(page);
      if (opts.statusScreenshot) await languageStatus(page);
      if (opts.servedFile) {
        // A YAML file outside copilot/ whose `type` names a Copilot kind: the server serves it.
        await openFile(page, opts.servedFile);
        await page.keyboard.press("Control+Shift+M");
        result.servedProblems = await problemsWith(page, opts.servedExpect, 30000);
        mark("servedFile");
      }
      if (opts.laterFile) {
        // A YAML file that becomes a manifest while the user types its `type:` line.
        await openFile(page, opts.laterFile);
        await page.locator(".editor-instance .view-lines").first().click();
        await page.keyboard.press("Control+End");
        for (const line of opts.laterLines) {
          await page.keyboard.type(line, { delay: 10 });
          await page.keyboard.press("Escape");
          await page.keyboard.press("Enter");
          await page.keyboard.press("Shift+Tab").catch(() => {});
        }
        await page.keyboard.press("Control+Shift+M");
        result.laterProblems = await problemsWith(page, opts.laterExpect, 30000);
        mark("laterFile");
      }
      if (opts.ignoredFile) {
        // Any other YAML is not sent; give a server that got it time to answer before looking.
        await openFile(page, opts.ignoredFile);
        await page.waitForTimeout(3000);
        await page.keyboard.press("Control+Shift+M");
        result.problemsAfterIgnored = await page.locator(".markers-panel .monaco-tl-row").allInnerTexts();
        mark("ignoredFile");
      }
    }
    result.ok = true;
  } catch (error) {
    await failed(browser, opts, result, error);
  } finally {
    await browser.close().catch(() => {});
  }
  mark("total");
  process.stdout.write(JSON.stringify(result) + "\n");
})();
