-- Headless Neovim 0.11 check of sidecar-lsp (and yaml-language-server beside it), driven by
-- tests/clients/test_neovim.py. The setup is the one docs/editors/neovim.md recommends.
--
-- Environment:
--   OUT_FILE     where the JSON result is written
--   SERVER_CMD   JSON array: the sidecar-lsp command
--   YAMLLS_CMD   JSON array (optional): yaml-language-server --stdio
--   SCHEMA_PATH  the JSON Schema for yamlls (with YAMLLS_CMD)
--   PROBE_LINE, PROBE_KEY_COL, PROBE_VALUE_COL  0-based position of `source_volume: <value>`
local out_file = assert(os.getenv('OUT_FILE'), 'OUT_FILE not set')
local t0 = vim.uv.hrtime()
local function ms() return math.floor((vim.uv.hrtime() - t0) / 1e6) end

local function finish(result)
  local f = assert(io.open(out_file, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  vim.cmd('qall!')
end

local ok_setup, setup_err = pcall(function()
  -- The recommended 0.11 setup (docs/editors/neovim.md), with a test-controlled cmd.
  vim.lsp.config('sidecar_lsp', {
    cmd = vim.json.decode((assert(os.getenv('SERVER_CMD'), 'SERVER_CMD not set'))),
    filetypes = { 'yaml' },
    root_markers = { 'copilot', '.git' },
    init_options = { diagnostics = { unknownKeys = true, crossField = true }, schemaDiagnostics = false },
    settings = { sidecarLsp = { diagnostics = { unknownKeys = true, crossField = true }, schemaDiagnostics = false } },
  })
  vim.lsp.enable('sidecar_lsp')

  if os.getenv('YAMLLS_CMD') then
    vim.lsp.config('yamlls', {
      cmd = vim.json.decode(os.getenv('YAMLLS_CMD')),
      filetypes = { 'yaml' },
      root_markers = { 'copilot', '.git' },
      settings = {
        yaml = {
          validate = true, hover = true, completion = true,
          schemaStore = { enable = false },
          schemas = { [(assert(os.getenv('SCHEMA_PATH')))] = { '**/copilot/**/manifest.yml' } },
        },
      },
    })
    vim.lsp.enable('yamlls')
  end
end)
if not ok_setup then
  finish({ error = 'setup: ' .. tostring(setup_err) })
end

local function by_name(buf)
  local names = {}
  for _, c in ipairs(vim.lsp.get_clients({ bufnr = buf })) do names[#names + 1] = c.name end
  table.sort(names)
  return names
end

local function labels(result)
  local items = result and (result.items or result) or {}
  local out = {}
  for _, it in ipairs(items) do out[#out + 1] = it.label end
  return out
end

local function hover_text(contents)
  if type(contents) == 'string' then return contents end
  if type(contents) == 'table' then
    if contents.value then return contents.value end
    local parts = {}
    for _, c in ipairs(contents) do parts[#parts + 1] = hover_text(c) end
    return table.concat(parts, '\n')
  end
  return ''
end

vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  local ok, err = pcall(function()
    local buf = vim.api.nvim_get_current_buf()
    local want = os.getenv('YAMLLS_CMD') and 2 or 1
    local res = { filetype = vim.bo[buf].filetype, nvim = tostring(vim.version()) }
    res.attached = vim.wait(20000, function() return #vim.lsp.get_clients({ bufnr = buf }) >= want end, 20)
    res.clients = by_name(buf)
    res.t_attached_ms = ms()
    -- sidecar-lsp publishes once the document is checked.
    res.got_diagnostics = vim.wait(20000, function()
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        if d.source == 'sidecar-lsp' then return true end
      end
      return false
    end, 20)
    -- yamlls validates after a short delay; give it time so its (absent) findings are final.
    if want == 2 then vim.wait(1500, function() return false end, 50) end
    res.t_diagnostics_ms = ms()
    res.diagnostics = vim.tbl_map(function(d)
      return { lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message, source = d.source,
               code = d.code, severity = d.severity }
    end, vim.diagnostic.get(buf))

    local line = tonumber(os.getenv('PROBE_LINE'))
    local uri = vim.uri_from_bufnr(buf)
    res.completion = {}
    local cparams = { textDocument = { uri = uri }, position = { line = line, character = tonumber(os.getenv('PROBE_VALUE_COL')) } }
    for id, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/completion', cparams, 10000) or {}) do
      res.completion[vim.lsp.get_client_by_id(id).name] = labels(r.result)
    end
    res.hover = {}
    local hparams = { textDocument = { uri = uri }, position = { line = line, character = tonumber(os.getenv('PROBE_KEY_COL')) + 2 } }
    for id, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/hover', hparams, 10000) or {}) do
      res.hover[vim.lsp.get_client_by_id(id).name] = r.result and hover_text(r.result.contents) or vim.NIL
    end
    res.t_done_ms = ms()
    finish(res)
  end)
  if not ok then finish({ error = tostring(err) }) end
end })
