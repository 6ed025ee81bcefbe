-- Headless Neovim 0.11: the "show merged" code lens of sidecar-lsp, driven by
-- tests/clients/test_neovim_merged.py. The server's window/showDocument opens a
-- sidecar-lsp-merged: buffer, which harness.read_renderings (a BufReadCmd) fills with the sidecarLsp/merged
-- request (the setup docs/editors/neovim.md gives).
--
-- Environment: OUT_FILE (JSON result), SERVER_CMD (JSON array: the sidecar-lsp command).
local harness = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')
local finish = harness.finish
harness.start_server()

harness.read_renderings()

-- nested: the BufReadCmd of harness.read_renderings must run for the buffer this callback makes the server open.
vim.api.nvim_create_autocmd('VimEnter', { nested = true, callback = function()
  local ok, err = pcall(function()
    local buf = vim.api.nvim_get_current_buf()
    local res = {}
    res.attached = vim.wait(20000, function() return #vim.lsp.get_clients({ bufnr = buf }) >= 1 end, 20)
    res.got_diagnostics = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
    res.diagnostics = vim.tbl_map(function(d) return { code = d.code, lnum = d.lnum, message = d.message } end,
      vim.diagnostic.get(buf))
    local client = vim.lsp.get_clients({ bufnr = buf })[1]
    local uri = vim.uri_from_bufnr(buf)
    local lenses = client:request_sync('textDocument/codeLens', { textDocument = { uri = uri } }, 10000, buf)
    res.lenses = {}
    for _, lens in ipairs(lenses and lenses.result or {}) do
      res.lenses[#res.lenses + 1] = { line = lens.range.start.line, title = lens.command and lens.command.title }
    end
    local first = lenses.result[1].command
    local merged = harness.run_lens(client, first, buf, res)
    res.merged_name = vim.api.nvim_buf_get_name(merged)
    res.merged_lines = vim.api.nvim_buf_get_lines(merged, 0, -1, false)
    res.merged_modifiable = vim.bo[merged].modifiable
    -- Go to definition from the rendering's "count:" line.
    local count_line
    for i, line in ipairs(res.merged_lines) do
      if line:match('^count:') then count_line = i - 1 end
    end
    local def = client:request_sync('textDocument/definition', {
      textDocument = { uri = res.merged_name }, position = { line = count_line, character = 2 },
    }, 10000, buf)
    local location = def and def.result and def.result[1]
    res.definition = location and { uri = location.uri, line = location.range.start.line } or vim.NIL
    res.source_uri = uri
    finish(res)
  end)
  if not ok then finish({ error = tostring(err) }) end
end })
