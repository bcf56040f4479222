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

require('govc').attach(vim.api.nvim_get_current_buf())
