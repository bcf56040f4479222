-- Tree-sitter highlighting for .gov when nvim-treesitter is installed: registers the `gov`
-- parser (editors/tree-sitter-gov in this repository) so `:TSInstall gov` builds it, and the
-- highlight, fold and locals queries ship in this plugin's queries/gov/. Without
-- nvim-treesitter this file does nothing and syntax/gov.vim highlights as before.
if vim.g.loaded_govc_treesitter then
  return
end
vim.g.loaded_govc_treesitter = 1

local ok, parsers = pcall(require, 'nvim-treesitter.parsers')
if not ok or type(parsers) ~= 'table' then
  return
end

-- This file is editors/nvim/plugin/govc_treesitter.lua; the grammar is editors/tree-sitter-gov.
local here = debug.getinfo(1, 'S').source:gsub('^@', '')
local grammar = vim.fn.fnamemodify(here, ':p:h:h:h') .. '/tree-sitter-gov'

if type(parsers.get_parser_configs) == 'function' then
  -- nvim-treesitter's `master` branch.
  parsers.get_parser_configs().gov = {
    install_info = {
      url = grammar,
      files = { 'src/parser.c' },
    },
    filetype = 'gov',
  }
else
  -- nvim-treesitter's `main` branch: parsers are registered on its TSUpdate event.
  local function register()
    require('nvim-treesitter.parsers').gov = {
      install_info = {
        path = grammar,
      },
    }
  end
  register()
  vim.api.nvim_create_autocmd('User', { pattern = 'TSUpdate', callback = register })
end
