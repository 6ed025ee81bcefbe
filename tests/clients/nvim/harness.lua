-- What the headless Neovim 0.11 scripts here share (each loads it with dofile):
--   finish(result)      writes the JSON result to $OUT_FILE and quits;
--   start_server()      sidecar-lsp ($SERVER_CMD, a JSON array) for YAML buffers, as docs/editors/neovim.md sets it up;
--   read_renderings()   the BufReadCmd of docs/editors/neovim.md: a sidecar-lsp-merged: buffer is filled with
--                       the sidecarLsp/merged request, read-only; json for a task definition, yaml otherwise.
local harness = {}

local out_file = assert(os.getenv('OUT_FILE'), 'OUT_FILE not set')

function harness.finish(result)
  local f = assert(io.open(out_file, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  vim.cmd('qall!')
end

function harness.start_server()
  vim.lsp.config('sidecar_lsp', {
    cmd = vim.json.decode((assert(os.getenv('SERVER_CMD'), 'SERVER_CMD not set'))),
    filetypes = { 'yaml' },
    root_markers = { 'copilot', '.git' },
  })
  vim.lsp.enable('sidecar_lsp')
end

function harness.read_renderings()
  vim.api.nvim_create_autocmd('BufReadCmd', {
    pattern = 'sidecar-lsp-merged://*',
    callback = function(args)
      local client = vim.lsp.get_clients({ name = 'sidecar_lsp' })[1]
      if not client then return end
      vim.bo[args.buf].buftype = 'nofile'
      -- Asynchronous: this can run inside the handler of the server's window/showDocument.
      local uri = vim.api.nvim_buf_get_name(args.buf)
      client:request('sidecarLsp/merged', { uri = uri }, function(_, result)
        vim.bo[args.buf].modifiable = true
        vim.api.nvim_buf_set_lines(args.buf, 0, -1, false, vim.split(result and result.text or '', '\n', { trimempty = true }))
        vim.bo[args.buf].filetype = uri:find('view=task-definition', 1, true) and 'json' or 'yaml'
        vim.bo[args.buf].modifiable = false
      end, args.buf)
    end,
  })
end

--- Run a code lens's command the way clicking it does, then wait for the rendering the server asks
--- Neovim to show (the current buffer by then) to be filled. Sets res.command_error, res.command_uri and
--- res.shown; returns the rendering's buffer.
function harness.run_lens(client, command, buf, res)
  local done = false
  client:exec_cmd(command, { bufnr = buf }, function(e, result)
    res.command_error = e and e.message or vim.NIL
    res.command_uri = result and result.uri or vim.NIL
    done = true
  end)
  vim.wait(10000, function() return done end, 20)
  res.shown = vim.wait(10000, function()
    return vim.api.nvim_buf_get_name(0):match('^sidecar%-lsp%-merged:') ~= nil
  end, 20)
  local shown = vim.api.nvim_get_current_buf()
  vim.wait(10000, function() return vim.api.nvim_buf_get_lines(shown, 0, 1, false)[1] ~= '' end, 20)
  return shown
end

return harness
