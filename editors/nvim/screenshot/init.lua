-- Neovim setup for the README screenshot (run by take.sh): open demo.gov, wait for the
-- diagnostics of govc lsp, then type a new statement and open the completion menu.
vim.o.number = true
vim.o.signcolumn = 'yes'
vim.o.termguicolors = false
vim.o.completeopt = 'menuone,noinsert'
vim.o.pumheight = 12
vim.o.laststatus = 2
vim.o.updatetime = 100
-- Keep the diagnostics on screen while the completion menu is open in insert mode.
vim.diagnostic.config({
  virtual_text = {
    prefix = '●',
    format = function(d)
      return ('%s %s'):format(d.code or '', d.message)
    end,
  },
  signs = true,
  underline = true,
  update_in_insert = true,
})
-- Neovim 0.7's default menu colours are magenta; a quieter menu for the picture.
vim.cmd([[
  highlight Pmenu ctermbg=237 ctermfg=252
  highlight PmenuSel ctermbg=24 ctermfg=255
  highlight PmenuSbar ctermbg=239
  highlight PmenuThumb ctermbg=248
  highlight SignColumn ctermbg=NONE
  highlight LineNr ctermfg=243
]])

vim.api.nvim_create_autocmd('User', {
  pattern = 'GovcDemo',
  callback = function()
    local buf = vim.api.nvim_get_current_buf()
    vim.wait(20000, function()
      return #vim.diagnostic.get(buf) > 0
    end, 50)
    -- A new statement under the typo; completion after `only regions ` offers Region codes.
    vim.api.nvim_win_set_cursor(0, { 4, 0 })
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('o', true, false, true), 'n', false)
    vim.api.nvim_feedkeys('deny model anthropic.claude-s', 'n', false)
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<C-x><C-o>', true, false, true), 'n', false)
  end,
})
