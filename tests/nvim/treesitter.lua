-- The tree-sitter grammar in a real Neovim (0.11+, whose tree-sitter is built in), driven by
-- tests/nvim_e2e.rs: the parser compiled from editors/tree-sitter-gov/src/parser.c is on the
-- runtimepath as parser/gov.so, the plugin's ftplugin starts tree-sitter highlighting, and the
-- plugin's queries (queries/gov/, the grammar's own files) give the captures recorded here.
-- Environment: GOVC_E2E_FILE (a .gov file), GOVC_E2E_RTP (the directory holding parser/gov.so),
-- GOVC_E2E_OUT (the JSON report).
local report = {}

local function captures_at(bufnr, line, col)
  local names = {}
  for _, c in ipairs(vim.treesitter.get_captures_at_pos(bufnr, line, col)) do
    table.insert(names, c.capture)
  end
  return names
end

-- The 0-based position of the first match of `text` (plain) on a line that has it.
local function find(bufnr, text)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local s = line:find(text, 1, true)
    if s then
      return i - 1, s - 1
    end
  end
  error('not in the buffer: ' .. text)
end

local function run()
  local file = assert(os.getenv('GOVC_E2E_FILE'), 'GOVC_E2E_FILE is set')
  vim.opt.runtimepath:append(assert(os.getenv('GOVC_E2E_RTP'), 'GOVC_E2E_RTP is set'))
  -- The language server is not under test here.
  require('govc').setup({ autostart = false })
  report.parser = vim.treesitter.language.add('gov') == true
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[bufnr].filetype
  report.highlighting = vim.treesitter.highlighter.active[bufnr] ~= nil
  -- Every query of the plugin compiles against the parser (an unknown node or field is an
  -- error here).
  report.queries = {}
  for _, name in ipairs({ 'highlights', 'folds', 'locals' }) do
    local ok, q = pcall(vim.treesitter.query.get, 'gov', name)
    report.queries[name] = ok and q ~= nil or tostring(q)
  end
  local tree = vim.treesitter.get_parser(bufnr, 'gov'):parse()[1]
  report.has_error = tree:root():has_error()
  report.captures = {}
  for _, text in ipairs({ 'scp', 'regions', 'us-east-1', 'bedrock:InvokeModel', '// ' }) do
    local line, col = find(bufnr, text)
    report.captures[text] = captures_at(bufnr, line, col)
  end
  -- Folds from queries/gov/folds.scm: the policy's block starts a fold.
  vim.wo.foldmethod = 'expr'
  vim.wo.foldexpr = 'v:lua.vim.treesitter.foldexpr()'
  local line = find(bufnr, 'scp')
  report.fold_at_scp = vim.fn.foldlevel(line + 2)
end

local ok, err = pcall(run)
report.ok = ok
report.error = ok and vim.NIL or tostring(err)
local f = assert(io.open(assert(os.getenv('GOVC_E2E_OUT'), 'GOVC_E2E_OUT is set'), 'w'))
f:write(vim.fn.json_encode(report))
f:close()
vim.cmd(ok and 'qall!' or 'cquit!')
