-- Headless Neovim 0.11: the "task definition" code lens of sidecar-lsp, driven by
-- tests/clients/test_neovim_task_definition.py. Clicking it runs sidecarLsp.showMerged with the view
-- 'task-definition'; the server's window/showDocument opens a sidecar-lsp-merged: buffer, which the
-- BufReadCmd of harness.read_renderings (the one docs/editors/neovim.md gives) fills with the
-- sidecarLsp/merged request.
--
-- Environment: OUT_FILE (JSON result), SERVER_CMD (JSON array: the sidecar-lsp command).
local harness = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')
local finish = harness.finish
harness.start_server()

harness.read_renderings()

vim.api.nvim_create_autocmd('VimEnter', { nested = true, callback = function()
  local ok, err = pcall(function()
    local buf = vim.api.nvim_get_current_buf()
    local res = {}
    res.attached = vim.wait(20000, function() return #vim.lsp.get_clients({ bufnr = buf }) >= 1 end, 20)
    local client = vim.lsp.get_clients({ bufnr = buf })[1]
    local uri = vim.uri_from_bufnr(buf)
    local lenses
    -- The lenses come once the server has parsed the buffer.
    vim.wait(20000, function()
      lenses = client:request_sync('textDocument/codeLens', { textDocument = { uri = uri } }, 10000, buf)
      return lenses and lenses.result and #lenses.result > 0
    end, 100)
    res.lenses = {}
    local task
    for _, lens in ipairs(lenses and lenses.result or {}) do
      local title = lens.command and lens.command.title
      res.lenses[#res.lenses + 1] = { line = lens.range.start.line, title = title }
      if title == 'task definition' and not task then task = lens.command end
    end
    local shown = harness.run_lens(client, task, buf, res)
    res.shown_name = vim.api.nvim_buf_get_name(shown)
    res.shown_lines = vim.api.nvim_buf_get_lines(shown, 0, -1, false)
    res.shown_modifiable = vim.bo[shown].modifiable
    res.shown_filetype = vim.bo[shown].filetype
    finish(res)
  end)
  if not ok then finish({ error = tostring(err) }) end
end })
