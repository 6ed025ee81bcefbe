// Every environment where you type, in code-server's VS Code workbench: the inlay hints and the
// per-environment hover, driven by tests/clients/test_vscode_environments.py:
//   node environments.js '<json options>'  -> JSON result on stdout.
//
// Options: base (code-server URL), folder, file (relative to folder), waitFor (a hint label the editor
// must show), hoverLine (the start of the line whose first word to hover), hoverTitle (a text of the
// hover to wait for), symbolQuery and symbolContainer (a workspace symbol query and the container text
// of the result to wait for), inlayScreenshot, hoverScreenshot, failureScreenshot, chromium.
"use strict";

const { QUICK_INPUT, drive } = require("./workbench");

const opts = JSON.parse(process.argv[2]);

// The workbench opens the service's manifest with Quick Open, like a user who knows its path.
drive(opts, async (page, result, mark) => {
  const input = page.locator(QUICK_INPUT);

  // The inlay hints are drawn inside the lines, after the values they are about.
  await page.locator(".editor-instance .view-line", { hasText: opts.waitFor }).first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(500); // the other lines' hints arrive with the same answer
  mark("hints");
  // Each line as drawn: its text, and the hints Monaco injects into it (spans of its decoration
  // rules that carry text; the padding before a hint is an empty one).
  result.lines = await page.locator(".editor-instance .view-line").evaluateAll((nodes) =>
    nodes
      .map((n) => {
        const line = { top: parseFloat(n.style.top) || 0, text: "", hints: [] };
        for (const span of n.querySelectorAll("span > span")) {
          const text = span.textContent.replace(/\u00a0/g, " ");
          if (/\bdyn-rule-/.test(span.className)) {
            if (text) line.hints.push({ at: line.text.length, label: text });
          } else {
            line.text += text;
          }
        }
        return line;
      })
      .sort((a, b) => a.top - b.top),
  );
  // The server's warning about a setting (a toast) would hide part of the picture.
  // (Its close button shows while the pointer is over it.)
  for (const toast of await page.locator(".notification-toast").all()) {
    await toast.hover({ timeout: 3000 }).catch(() => {});
    await toast.locator(".codicon-notifications-clear").click({ timeout: 3000 }).catch(() => {});
  }
  result.toastsLeft = await page.locator(".notification-toast").count();
  await page.screenshot({ path: opts.inlayScreenshot });

  // Hover the first word of a line: the field's value in the base and each environment.
  const line = page.locator(".editor-instance .view-line", { hasText: opts.hoverLine }).first();
  const box = await line.boundingBox();
  await page.mouse.move(box.x + 12, box.y + box.height / 2);
  const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: opts.hoverTitle }).first();
  await hover.waitFor({ state: "visible", timeout: 20000 });
  await page.waitForTimeout(300);
  // Scroll the hover to its table, as a user would with the wheel, so the screenshot shows it.
  await hover.evaluate((node) => {
    const table = node.querySelector("table");
    if (table) table.scrollIntoView({ block: "end" });
  });
  await page.waitForTimeout(200);
  mark("hover");
  result.hover = (await hover.innerText()).replace(/\u00a0/g, " ");
  result.hoverRows = await hover.locator("table tr").evaluateAll((rows) =>
    rows.map((r) => Array.from(r.querySelectorAll("th, td")).map((c) => c.textContent.trim())),
  );
  result.hoverLinks = await hover.locator("table a").evaluateAll((links) =>
    links.map((a) => a.getAttribute("data-href") || a.getAttribute("href") || ""),
  );
  await page.screenshot({ path: opts.hoverScreenshot });

  // Go to Symbol in Workspace: Quick Open with "#", the query typed after it.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+P");
  await input.waitFor({ state: "visible", timeout: 15000 });
  await input.fill(`#${opts.symbolQuery}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: opts.symbolContainer }).first();
  await row.waitFor({ timeout: 30000 });
  mark("symbols");
  result.symbols = (await page.locator(".quick-input-list .monaco-list-row").allInnerTexts()).map((t) =>
    t.replace(/\s+/g, " ").trim(),
  );
  await page.keyboard.press("Enter");
  await page.waitForTimeout(500);
  result.symbolStatus = await page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first().innerText();
});
