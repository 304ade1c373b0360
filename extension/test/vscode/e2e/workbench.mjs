// Small vocabulary for driving the VS Code workbench in the browser: palette, status bar, explorer, editor
// text, webview frames. Every wait is for a condition, never a fixed sleep.

/** Polls `probe` until it returns a truthy value; throws naming `what` (and the last value seen) on timeout. */
export async function waitFor(probe, { what, timeout = 30_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await probe(); } catch (err) { last = err; }
    if (last && !(last instanceof Error)) return last;
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what ?? 'a condition'} (last seen: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The editor's DOM writes spaces as U+00A0; file text has plain spaces. */
export const domText = (s) => s.replace(/\u00a0/g, ' ');

/** Runs a command from the palette (F1) by its title as shown there, e.g. "DeepSeek Local: Open Chat". */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  await row.waitFor({ timeout: 15_000 }).catch(async () => {
    const shown = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    throw new Error(`command "${title}" is not in the palette (rows: ${JSON.stringify(shown)})`);
  });
  await row.click();
}

/** The extension's status bar item once its text matches `re` (e.g. /DeepSeek.*ready/). */
export async function waitForStatus(page, re, timeout = 120_000) {
  const item = page.locator('.statusbar-item').filter({ hasText: re }).first();
  await item.waitFor({ timeout }).catch(async () => {
    const items = await page.locator('.statusbar-item').allInnerTexts();
    throw new Error(`status bar never showed ${re} within ${timeout} ms (items: ${JSON.stringify(items.filter(Boolean))})`);
  });
  return (await item.innerText()).trim();
}

/** Opens a workspace file with Quick Open (works whatever the side bar shows); resolves with its editor. */
export async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first().click();
  await page.locator('.tabs-container .tab.active').filter({ hasText: name }).waitFor();
  const editor = page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
  return editor;
}

/** The frame of a webview whose document holds `selector` (webviews are iframes nested in iframes). */
export async function webviewFrame(page, selector, timeout = 30_000) {
  return waitFor(async () => {
    for (const frame of page.frames()) {
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    return undefined;
  }, { what: `a webview frame containing ${selector}`, timeout });
}

/** The whole text of an editor's model, through select-all + copy (needs clipboard permissions). */
export async function editorText(page, editor) {
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.keyboard.press('ArrowRight');   // drop the selection again
  return text;
}

/** Puts the cursor at the start of `line` (1-based) with Go to Line, then selects `count` whole lines. */
export async function selectLines(page, line, count) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  for (let i = 0; i < count; i++) await page.keyboard.press('Shift+ArrowDown');
}

/** Texts of the notification toasts now on screen (errors from the extension show up here). */
export async function toasts(page) {
  return (await page.locator('.notification-toast').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}
