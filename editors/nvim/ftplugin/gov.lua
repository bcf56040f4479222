-- Buffer settings for .gov files and the start of `govc lsp` (see lua/govc/init.lua).
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

vim.bo.commentstring = '// %s'
-- Doc comments (`///`, `//!`) before plain ones, so `gq` and `o` continue the right leader.
vim.bo.comments = 's1:/*,mb:*,ex:*/,:///,://!,://'
vim.bo.formatoptions = vim.bo.formatoptions:gsub('t', '') .. 'croql'
vim.bo.shiftwidth = 2
vim.bo.softtabstop = 2
vim.bo.expandtab = true

vim.b.undo_ftplugin = 'setlocal commentstring< comments< formatoptions< shiftwidth< softtabstop< expandtab<'

-- Tree-sitter highlighting where Neovim has it built in (0.10+) and a `gov` parser is installed
-- (`parser/gov.so` on the runtimepath: `:TSInstall gov` with nvim-treesitter, or built by hand
-- from editors/tree-sitter-gov). `vim.g.govc_treesitter = false` keeps syntax/gov.vim instead.
if vim.g.govc_treesitter ~= false and vim.fn.has('nvim-0.10') == 1 then
  local ok, added = pcall(vim.treesitter.language.add, 'gov')
  -- 0.10 returns nothing and raises when there is no parser; 0.11 returns true, or nil.
  if ok and (added or vim.fn.has('nvim-0.11') == 0) then
    pcall(vim.treesitter.start, 0, 'gov')
  end
end

require('govc').attach(vim.api.nvim_get_current_buf())
