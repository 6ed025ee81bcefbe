-- Headless Neovim 0.11: sidecar-lsp's inlay hints, enabled the way docs/editors/neovim.md says
-- (vim.lsp.inlay_hint.enable), driven by tests/clients/test_neovim_inlay_hints.py. Reads back what
-- Neovim holds (vim.lsp.inlay_hint.get) and what it draws: the inline virtual text of its
-- inlay-hint namespace after a redraw.
--
-- Environment: OUT_FILE (JSON result), SERVER_CMD (JSON array: the sidecar-lsp command).
local harness = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')
local finish = harness.finish
harness.start_server()

-- The line docs/editors/neovim.md gives: hints on in every buffer the server attaches to.
vim.api.nvim_create_autocmd('LspAttach', {
  callback = function(args)
    vim.lsp.inlay_hint.enable(true, { bufnr = args.buf })
  end,
})

local function drawn(buf)
  local ns = vim.api.nvim_get_namespaces()['nvim.lsp.inlayhint']
  local out = {}
  if not ns then return out end
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
    local text = ''
    for _, chunk in ipairs(mark[4].virt_text or {}) do text = text .. chunk[1] end
    out[#out + 1] = { line = mark[2], col = mark[3], text = text }
  end
  return out
end

vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  local ok, err = pcall(function()
    local buf = vim.api.nvim_get_current_buf()
    local res = {}
    res.attached = vim.wait(20000, function() return #vim.lsp.get_clients({ bufnr = buf }) >= 1 end, 20)
    res.enabled = vim.wait(10000, function() return vim.lsp.inlay_hint.is_enabled({ bufnr = buf }) end, 20)
    res.got_hints = vim.wait(20000, function() return #vim.lsp.inlay_hint.get({ bufnr = buf }) > 0 end, 20)
    res.hints = {}
    for _, item in ipairs(vim.lsp.inlay_hint.get({ bufnr = buf })) do
      local hint = item.inlay_hint
      local label = hint.label
      if type(label) ~= 'string' then
        local text = ''
        for _, part in ipairs(label) do text = text .. part.value end
        label = text
      end
      res.hints[#res.hints + 1] = { line = hint.position.line, col = hint.position.character, label = label }
    end
    -- What the user sees: the decoration provider draws the hints as inline virtual text on redraw.
    vim.cmd('redraw!')
    res.drawn = drawn(buf)
    -- Turned off, the hints go from the screen.
    vim.lsp.inlay_hint.enable(false, { bufnr = buf })
    vim.cmd('redraw!')
    res.drawn_after_disable = drawn(buf)
    finish(res)
  end)
  if not ok then finish({ error = tostring(err) }) end
end })
