-- Starts `govc lsp` (stdio) for .gov buffers: `vim.lsp.start` on Neovim 0.8 and later,
-- `vim.lsp.start_client` + `vim.lsp.buf_attach_client` on 0.7 (the version Debian 12 ships).
-- One server per root directory; buffers under the same root share it. On 0.11+ a user who
-- runs `vim.lsp.enable('govc')` (config in lsp/govc.lua) gets the server from Neovim instead.
local M = {}

local defaults = {
  -- The server command; `vim.g.govc_path` (read at attach time) overrides the binary.
  cmd = nil,
  -- Files or directories whose presence marks the root of a policy project.
  root_markers = { '.git' },
  -- Start the server when a .gov buffer opens.
  autostart = true,
  -- Passed to the client as is (e.g. `on_attach`, `capabilities`, `handlers`).
  on_attach = nil,
  capabilities = nil,
  handlers = nil,
}

M.config = vim.deepcopy(defaults)

--- Configure the plugin; call before opening .gov files (e.g. in a lazy.nvim `opts`).
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
end

--- The command that starts the server.
function M.cmd()
  if M.config.cmd then
    return M.config.cmd
  end
  local path = vim.g.govc_path
  if type(path) ~= 'string' or path == '' then
    path = 'govc'
  end
  return { path, 'lsp' }
end

local uv = vim.loop

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function parent(dir)
  local p = vim.fn.fnamemodify(dir, ':h')
  if p == dir then
    return nil
  end
  return p
end

--- The root directory for a file: the nearest ancestor holding one of `root_markers` (by
--- default the git root), else the file's own directory.
function M.root_dir(fname)
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  local d = dir
  while d do
    for _, marker in ipairs(M.config.root_markers) do
      if exists(d .. '/' .. marker) then
        return d
      end
    end
    d = parent(d)
  end
  return dir
end

local function on_attach(client, bufnr)
  -- Neovim 0.7 sets no omnifunc for LSP clients; 0.8+ does, and this is then a no-op.
  if vim.bo[bufnr].omnifunc == '' then
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

local function client_config(root)
  local cmd = M.cmd()
  if vim.fn.executable(cmd[1]) ~= 1 then
    vim.notify_once(
      ('govc: `%s` is not executable; set vim.g.govc_path or setup{ cmd = ... }'):format(cmd[1]),
      vim.log.levels.WARN
    )
    return nil
  end
  return {
    name = 'govc',
    cmd = cmd,
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') },
    },
    capabilities = M.config.capabilities or vim.lsp.protocol.make_client_capabilities(),
    handlers = M.config.handlers,
    on_attach = on_attach,
  }
end

-- Neovim 0.7: client ids by root, reused while the client runs.
local clients_by_root = {}

local function attach_07(bufnr, config)
  local id = clients_by_root[config.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    clients_by_root[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Whether `vim.lsp.enable('govc')` is on (Neovim 0.11+): Neovim then starts the server.
function M.enabled_by_vim_lsp()
  if vim.lsp.is_enabled then
    return vim.lsp.is_enabled('govc')
  end
  -- 0.11 has no `is_enabled` (0.12 does); this table is what it reads.
  return type(vim.lsp._enabled_configs) == 'table' and vim.lsp._enabled_configs.govc ~= nil
end

--- Start (or reuse) the server for a buffer; returns the client id, or nil.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not M.config.autostart then
    return nil
  end
  -- Step aside for `vim.lsp.enable`: a second start from here would attach a second client
  -- whenever the two root rules disagree (its root is nil, not the file's directory, when no
  -- marker is found).
  if M.enabled_by_vim_lsp() then
    return nil
  end
  -- Only files: a scratch buffer has no root to share a server with.
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' then
    return nil
  end
  local config = client_config(M.root_dir(fname))
  if not config then
    return nil
  end
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  return attach_07(bufnr, config)
end

return M
