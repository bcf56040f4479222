-- The `govc` server for Neovim 0.11+'s `vim.lsp.config` / `vim.lsp.enable('govc')`: Neovim
-- reads `lsp/<name>.lua` from the runtimepath. Older versions never look in `lsp/`, so the file
-- costs them nothing; they start the server through `require('govc')` (lua/govc/init.lua).
--
-- Neovim evaluates this file when it first resolves the config (at the first .gov buffer), so a
-- `vim.g.govc_path` or `require('govc').setup{ cmd = ... }` in init.lua is already seen.
-- Overrides go through `vim.lsp.config('govc', { ... })`, which takes precedence over this file.

-- The plugin's rules (command, root markers) when it is installed; the file also works copied
-- alone into a config's `lsp/` directory.
local ok, govc = pcall(require, 'govc')
local cmd, root_markers
if ok and type(govc) == 'table' and govc.cmd and govc.config then
  cmd = vim.deepcopy(govc.cmd())
  root_markers = govc.config.root_markers
else
  local path = vim.g.govc_path
  if type(path) ~= 'string' or path == '' then
    path = 'govc'
  end
  cmd = { path, 'lsp' }
end

return {
  cmd = cmd,
  filetypes = { 'gov' },
  -- By default the git root; with no marker found Neovim starts the server without a root, and
  -- the server then takes the document's directory, walked as `govc check DIR` walks it.
  root_markers = root_markers or { '.git' },
}
