-- End-to-end test of editors/nvim against `govc lsp`, driven by tests/nvim_e2e.rs:
--   nvim --headless --clean --cmd 'set rtp^=editors/nvim' -c 'luafile tests/nvim/e2e.lua'
-- Environment: GOVC_E2E_BIN (the govc binary), GOVC_E2E_FILE (a copy of a file with a
-- misspelt Region), GOVC_E2E_OUT (where the JSON report goes), and GOVC_E2E_NATIVE=1 for
-- Neovim 0.11's own start path: `vim.lsp.enable('govc')` with the config of lsp/govc.lua, the
-- plugin stepping aside. Every wait is bounded; the
-- Rust test asserts on the report, so this script records what Neovim received rather than
-- judging it, except where a step cannot go on without the previous one.
local WAIT_MS = 30000

local report = { steps = {} }

local function step(name)
  table.insert(report.steps, name)
end

local function version()
  local v = vim.version()
  return ('%d.%d.%d'):format(v.major, v.minor, v.patch)
end

local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  local list = {}
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    table.insert(list, c)
  end
  return list
end

local function diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      code = d.code,
      source = d.source,
      message = d.message,
    })
  end
  table.sort(out, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    return a.col < b.col
  end)
  return out
end

local function mentions(diags, text)
  for _, d in ipairs(diags) do
    if d.message:find(text, 1, true) then
      return true
    end
  end
  return false
end

-- The 0-based line and UTF-16 column just after the first match of `pattern` (plain text).
local function position_after(bufnr, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local s, e = line:find(pattern, 1, true)
    if s then
      -- The test file is ASCII, so the byte offset is the UTF-16 column.
      assert(not line:find('[\128-\255]'), 'ASCII line')
      return { line = i - 1, character = e }
    end
  end
  error('pattern not in buffer: ' .. pattern)
end

local function complete(bufnr, position)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, WAIT_MS)
  local out = { position = position, labels = {}, errors = {} }
  if not responses then
    table.insert(out.errors, tostring(err))
    return out
  end
  for _, r in pairs(responses) do
    if r.err then
      table.insert(out.errors, vim.inspect(r.err))
    end
    local items = r.result and (r.result.items or r.result) or {}
    for _, item in ipairs(items) do
      table.insert(out.labels, item.label)
    end
  end
  return out
end

local function run()
  report.nvim_version = version()
  report.has_lsp_start = vim.lsp.start ~= nil
  vim.g.govc_path = assert(os.getenv('GOVC_E2E_BIN'), 'GOVC_E2E_BIN is set')
  local file = assert(os.getenv('GOVC_E2E_FILE'), 'GOVC_E2E_FILE is set')
  report.native = os.getenv('GOVC_E2E_NATIVE') == '1'
  if report.native then
    -- What a 0.11 user writes in init.lua; Neovim reads lsp/govc.lua from the runtimepath.
    vim.lsp.enable('govc')
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[bufnr].filetype
  report.commentstring = vim.bo[bufnr].commentstring
  report.syntax = vim.b[bufnr].current_syntax
  step('opened')

  -- 1. The plugin starts the server and attaches it to the buffer.
  report.attached = vim.wait(WAIT_MS, function()
    return #clients(bufnr) > 0
  end, 50)
  if not report.attached then
    error('no LSP client attached')
  end
  local client = clients(bufnr)[1]
  report.client_name = client.name
  report.client_cmd = client.config.cmd
  report.root_dir = client.config.root_dir
  report.server_name = client.server_info and client.server_info.name or nil
  step('attached')

  -- 2. Diagnostics of the file as opened.
  vim.wait(WAIT_MS, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  report.diagnostics = diagnostics(bufnr)
  -- Counted after the first publish: by then a second start (plugin and Neovim both) would show.
  report.client_count = #clients(bufnr)
  step('diagnostics')

  -- 3. Completion after `only regions `: Region codes.
  report.completion_regions = complete(bufnr, position_after(bufnr, 'only regions '))
  step('completion regions')

  -- 4. An edit (didChange): fix the misspelt Region and wait for its diagnostic to go.
  local pos = position_after(bufnr, 'us-est-1')
  vim.api.nvim_buf_set_text(bufnr, pos.line, pos.character - #'us-est-1', pos.line, pos.character, { 'us-east-1' })
  report.fixed = vim.wait(WAIT_MS, function()
    return not mentions(diagnostics(bufnr), 'us-est-1')
  end, 50)
  report.diagnostics_after_fix = diagnostics(bufnr)
  step('fixed')

  -- 5. A new statement typed into the policy, then completion after `deny model `.
  local at = position_after(bufnr, 'only regions ')
  vim.api.nvim_buf_set_lines(bufnr, at.line + 1, at.line + 1, false, { '  deny model ' })
  report.completion_models = complete(bufnr, { line = at.line + 1, character = #'  deny model ' })
  step('completion models')
end

local ok, err = pcall(run)
report.ok = ok
report.error = ok and vim.NIL or tostring(err)
local out = assert(os.getenv('GOVC_E2E_OUT'), 'GOVC_E2E_OUT is set')
local f = assert(io.open(out, 'w'))
f:write(vim.fn.json_encode(report))
f:close()
-- Stop the server cleanly before leaving, so no govc process outlives the test.
local all_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
for _, c in ipairs(all_clients()) do
  -- A method from 0.10 on; a plain function (whose argument means "force") before.
  if vim.fn.has('nvim-0.10') == 1 then
    c:stop()
  else
    c.stop()
  end
end
vim.wait(5000, function()
  return #all_clients() == 0
end, 50)
vim.cmd(ok and 'qall!' or 'cquit!')
