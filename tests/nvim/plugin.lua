-- The plugin's parts other than the running server, driven by tests/nvim_e2e.rs:
--   nvim --headless --clean --cmd 'set rtp^=editors/nvim' -c 'luafile tests/nvim/plugin.lua'
-- `:checkhealth govc` in each configuration, `lsp/govc.lua` (the Neovim 0.11 config) loaded with
-- `dofile`, the step-aside for `vim.lsp.enable`, and the help file through `:helptags` and
-- `:help`. Environment: GOVC_E2E_BIN (the govc binary), GOVC_E2E_PLUGIN (editors/nvim),
-- GOVC_E2E_DIR (a scratch directory), GOVC_E2E_OUT (the JSON report). As in e2e.lua, this
-- records what Neovim did and the Rust test judges it.
local report = { steps = {} }

local function step(name)
  table.insert(report.steps, name)
end

local bin = assert(os.getenv('GOVC_E2E_BIN'), 'GOVC_E2E_BIN is set')
local plugin = assert(os.getenv('GOVC_E2E_PLUGIN'), 'GOVC_E2E_PLUGIN is set')
local dir = assert(os.getenv('GOVC_E2E_DIR'), 'GOVC_E2E_DIR is set')

local function write(path, text, mode)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
  if mode then
    assert(vim.loop.fs_chmod(path, mode))
  end
end

-- The lines `:checkhealth govc` shows, its tab closed afterwards.
local function checkhealth()
  vim.cmd('checkhealth govc')
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  vim.cmd('bwipeout!')
  return lines
end

local function health()
  local govc = require('govc')
  local path = vim.env.PATH
  local out = {}

  -- `govc` found on PATH, nothing configured.
  vim.g.govc_path = nil
  vim.env.PATH = vim.fn.fnamemodify(bin, ':h') .. ':' .. path
  out.on_path = checkhealth()
  -- ... and not on PATH.
  local empty = dir .. '/empty-path'
  vim.fn.mkdir(empty, 'p')
  vim.env.PATH = empty
  out.not_on_path = checkhealth()
  vim.env.PATH = path

  -- Configured through g:govc_path: present, then missing.
  vim.g.govc_path = bin
  out.configured = checkhealth()
  vim.g.govc_path = dir .. '/no-such-dir/govc'
  out.missing = checkhealth()

  -- Through setup{ cmd }, with a binary that answers --version but is no server.
  local fake = dir .. '/fake-govc'
  write(
    fake,
    '#!/bin/sh\nif [ "$1" = --version ]; then echo "govc 0.0.0-fake"; exit 0; fi\n'
      .. 'echo "fake govc: no server here" >&2\nexit 3\n',
    493
  )
  govc.setup({ cmd = { fake, 'lsp' } })
  out.not_a_server = checkhealth()
  govc.setup({})
  vim.g.govc_path = nil

  -- A server that never answers: the bounded wait, then the process is ended.
  local started = vim.loop.hrtime()
  local result, why = require('govc.health').start_server({ '/bin/sh', '-c', 'exec sleep 60' }, 500)
  out.silent = {
    result = result or vim.NIL,
    why = why,
    ms = math.floor((vim.loop.hrtime() - started) / 1e6),
  }
  report.health = out
  step('health')
end

local function lsp_config()
  local file = plugin .. '/lsp/govc.lua'
  local govc = require('govc')
  local out = {}
  vim.g.govc_path = nil
  out.default = dofile(file)
  vim.g.govc_path = '/opt/govc/bin/govc'
  out.govc_path = dofile(file)
  vim.g.govc_path = nil
  govc.setup({
    cmd = { '/opt/govc/bin/govc', 'lsp', '--stdio' },
    root_markers = { '.git', 'organization.gov' },
  })
  out.setup = dofile(file)
  govc.setup({})
  -- Copied alone into a config's lsp/ directory: no `govc` module to ask.
  local chunk = assert(loadfile(file))
  setfenv(
    chunk,
    setmetatable({
      require = function(name)
        error('module ' .. name .. ' not found')
      end,
    }, { __index = _G })
  )
  vim.g.govc_path = '/usr/local/bin/govc'
  out.standalone = chunk()
  vim.g.govc_path = nil
  report.lsp_config = out
  step('lsp config')
end

-- With `vim.lsp.enable('govc')` on (faked here: Neovim 0.11's table of enabled configs), the
-- plugin starts no server of its own.
local function step_aside()
  local govc = require('govc')
  local file = dir .. '/aside.gov'
  write(file, 'scp guard {\n  only regions us-east-1\n}\n')
  -- Before the buffer exists, so the ftplugin's own attach meets the same state.
  local saved = vim.lsp._enabled_configs
  vim.lsp._enabled_configs = { govc = {} }
  vim.g.govc_path = bin
  local out = { enabled = govc.enabled_by_vim_lsp() }
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  out.filetype = vim.bo.filetype
  local bufnr = vim.api.nvim_get_current_buf()
  out.attach = govc.attach(bufnr) or vim.NIL
  -- The buffer's clients, attached or starting (0.7 registers them at buf_attach_client).
  if vim.lsp.get_clients then
    out.clients = #vim.lsp.get_clients({ bufnr = bufnr })
  else
    out.clients = vim.tbl_count(vim.lsp.buf_get_clients(bufnr))
  end
  vim.lsp._enabled_configs = saved
  out.enabled_after = govc.enabled_by_vim_lsp()
  vim.cmd('bwipeout!')
  vim.g.govc_path = nil
  report.step_aside = out
  step('step aside')
end

local function help()
  local out = {}
  -- A copy of doc/, so the generated `tags` file stays out of the repository.
  local rtp = dir .. '/help-rtp'
  vim.fn.mkdir(rtp .. '/doc', 'p')
  local text = table.concat(vim.fn.readfile(plugin .. '/doc/govc.txt'), '\n') .. '\n'
  write(rtp .. '/doc/govc.txt', text)
  vim.v.errmsg = ''
  local ok, err = pcall(vim.cmd, 'helptags ' .. vim.fn.fnameescape(rtp .. '/doc'))
  out.helptags_ok = ok
  out.helptags_error = ok and vim.NIL or tostring(err)
  out.errmsg = vim.v.errmsg
  out.tags = {}
  local defined = {}
  for _, line in ipairs(vim.fn.readfile(rtp .. '/doc/tags')) do
    local tag = line:match('^([^\t]+)\t')
    table.insert(out.tags, tag)
    defined[tag] = true
  end

  -- Every |link| in the file names a tag of this file or of Neovim's own help.
  for _, line in ipairs(vim.fn.readfile(vim.env.VIMRUNTIME .. '/doc/tags')) do
    defined[line:match('^([^\t]+)\t') or ''] = true
  end
  out.unresolved_links = {}
  for link in text:gmatch('|([^|%s]+)|') do
    if not defined[link] then
      table.insert(out.unresolved_links, link)
    end
  end

  -- `:help` finds the file once its directory is on the runtimepath.
  vim.opt.runtimepath:prepend(rtp)
  out.opened = {}
  local tags = { 'govc', 'g:govc_path', 'govc-health', 'govc-lspconfig', 'govc-install-0.11' }
  for _, tag in ipairs(tags) do
    local found = pcall(vim.cmd, 'help ' .. tag)
    local name = found and vim.fn.expand('%:t') or ''
    local line = found and vim.api.nvim_get_current_line() or ''
    out.opened[tag] = found and name == 'govc.txt' and line:find('*' .. tag .. '*', 1, true) ~= nil
    if found then
      vim.cmd('helpclose')
    end
  end

  -- The check above can fail: a duplicate tag is an error of `:helptags`.
  local bad = dir .. '/bad-doc'
  vim.fn.mkdir(bad, 'p')
  write(bad .. '/dup.txt', '*dup.txt* x\n\n*twice*\n*twice*\n')
  out.duplicate_rejected = not pcall(vim.cmd, 'helptags ' .. vim.fn.fnameescape(bad))
  report.help = out
  step('help')
end

local function run()
  local v = vim.version()
  report.nvim_version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  health()
  lsp_config()
  step_aside()
  help()
end

local ok, err = pcall(run)
report.ok = ok
report.error = ok and vim.NIL or tostring(err)
local f = assert(io.open(assert(os.getenv('GOVC_E2E_OUT'), 'GOVC_E2E_OUT is set'), 'w'))
f:write(vim.fn.json_encode(report))
f:close()
vim.cmd(ok and 'qall!' or 'cquit!')
