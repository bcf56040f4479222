-- `:checkhealth govc`: the binary the plugin would run, its version, and a real start of the
-- server (an `initialize` round trip over stdio, then `shutdown` and `exit`).
local M = {}

-- How long the server may take to answer; it answers `initialize` without reading any file.
local TIMEOUT_MS = 10000

-- `vim.health.start/ok/...` where they exist (0.10+); the `health` module's `report_*` on
-- 0.7–0.9, whose `vim.health` lacks them.
local function reporter()
  local h = vim.health
  if type(h) == 'table' and h.start then
    return { start = h.start, ok = h.ok, info = h.info, warn = h.warn, error = h.error }
  end
  local old = require('health')
  return {
    start = old.report_start,
    ok = old.report_ok,
    info = old.report_info,
    warn = old.report_warn,
    error = old.report_error,
  }
end

local function quote(cmd)
  return '`' .. table.concat(cmd, ' ') .. '`'
end

-- The command the server is started with, and where it comes from.
local function command(govc)
  if govc.enabled_by_vim_lsp() then
    local config = vim.lsp.config.govc
    if config and type(config.cmd) == 'table' then
      return config.cmd, "vim.lsp.config('govc')"
    end
  end
  if govc.config.cmd then
    return govc.config.cmd, 'setup{ cmd = ... }'
  end
  local path = vim.g.govc_path
  if type(path) == 'string' and path ~= '' then
    return govc.cmd(), 'vim.g.govc_path'
  end
  return govc.cmd(), 'the default, looked up on PATH'
end

local function trim(s)
  return (s:gsub('^%s+', ''):gsub('%s+$', ''))
end

-- Runs `exe --version` with a bounded wait (a wedged binary must not hang :checkhealth).
local function version(exe)
  local lines = {}
  local collect = function(_, data)
    for _, l in ipairs(data) do
      if l ~= '' then
        table.insert(lines, l)
      end
    end
  end
  local job = vim.fn.jobstart({ exe, '--version' }, { on_stdout = collect, on_stderr = collect })
  if job <= 0 then
    return nil, 'cannot run it'
  end
  local code = vim.fn.jobwait({ job }, TIMEOUT_MS)[1]
  if code == -1 then
    vim.fn.jobstop(job)
    return nil, ('no answer within %d ms'):format(TIMEOUT_MS)
  end
  local text = trim(table.concat(lines, '\n'))
  if code ~= 0 then
    return nil, ('exit code %d: %s'):format(code, text)
  end
  return text
end

-- The bodies of the complete `Content-Length` framed messages in `buf`.
local function messages(buf)
  local out, pos = {}, 1
  while true do
    local head_end = buf:find('\r\n\r\n', pos, true)
    if not head_end then
      break
    end
    local len = tonumber(buf:sub(pos, head_end):match('[Cc]ontent%-[Ll]ength:%s*(%d+)'))
    local body_start = head_end + 4
    if not len or #buf < body_start + len - 1 then
      break
    end
    local ok, msg = pcall(vim.json.decode, buf:sub(body_start, body_start + len - 1))
    if ok and type(msg) == 'table' then
      table.insert(out, msg)
    end
    pos = body_start + len
  end
  return out
end

--- Starts `cmd`, sends `initialize`, and shuts the server down again. Returns the initialize
--- result, the elapsed milliseconds and how the process ended (`{ code, signal, killed }`),
--- or nil and why not.
function M.start_server(cmd, timeout_ms)
  timeout_ms = timeout_ms or TIMEOUT_MS
  local uv = vim.loop
  local stdin, stdout, stderr = uv.new_pipe(false), uv.new_pipe(false), uv.new_pipe(false)
  local out, err = '', ''
  local exited, exit_code, exit_signal
  local args = {}
  for i = 2, #cmd do
    table.insert(args, cmd[i])
  end
  local started = uv.hrtime()
  local opts = { args = args, stdio = { stdin, stdout, stderr } }
  local handle, spawn_err = uv.spawn(cmd[1], opts, function(code, signal)
    exited, exit_code, exit_signal = true, code, signal
  end)
  local function close()
    for _, h in ipairs({ stdin, stdout, stderr, handle }) do
      if h and not h:is_closing() then
        h:close()
      end
    end
  end
  if not handle then
    close()
    return nil, ('cannot start %s: %s'):format(quote(cmd), tostring(spawn_err))
  end
  -- libuv callbacks run in a fast context: only collect bytes there, decode on the main loop.
  stdout:read_start(function(_, data)
    if data then
      out = out .. data
    end
  end)
  stderr:read_start(function(_, data)
    if data then
      err = err .. data
    end
  end)

  local function send(msg)
    local body = vim.json.encode(msg)
    stdin:write(('Content-Length: %d\r\n\r\n%s'):format(#body, body))
  end
  -- The response to request `id`; the server may send notifications before it.
  local function response(id)
    for _, msg in ipairs(messages(out)) do
      if msg.id == id and (msg.result ~= nil or msg.error ~= nil) then
        return msg
      end
    end
  end
  local function wait_for(id, ms)
    local msg
    vim.wait(ms, function()
      msg = response(id)
      return msg ~= nil or exited
    end, 10)
    return msg or response(id)
  end

  send({
    jsonrpc = '2.0',
    id = 1,
    method = 'initialize',
    params = {
      processId = uv.getpid(),
      clientInfo = { name = 'nvim :checkhealth govc' },
      rootUri = vim.NIL,
      capabilities = vim.empty_dict(),
    },
  })
  local init = wait_for(1, timeout_ms)
  local elapsed = math.floor((uv.hrtime() - started) / 1e6)
  -- Whether the server ended on its own, before the shutdown below.
  local died, died_code, died_signal = exited, exit_code, exit_signal

  -- Shut down politely; a server that never answered gets a signal instead. Either way no
  -- process outlives the check.
  if init and not exited then
    send({ jsonrpc = '2.0', id = 2, method = 'shutdown', params = vim.NIL })
    wait_for(2, 2000)
    send({ jsonrpc = '2.0', method = 'exit', params = vim.NIL })
    vim.wait(2000, function()
      return exited
    end, 10)
  end
  local killed = false
  for _, signal in ipairs({ 'sigterm', 'sigkill' }) do
    if exited then
      break
    end
    killed = true
    handle:kill(signal)
    vim.wait(1000, function()
      return exited
    end, 10)
  end
  close()

  local stderr_text = trim(err)
  local why
  if not init then
    if died and died_signal ~= 0 then
      why = ('ended by signal %d before answering initialize'):format(died_signal)
    elseif died then
      why = ('exited with code %d before answering initialize'):format(died_code)
    else
      why = ('no answer to initialize within %d ms'):format(timeout_ms)
    end
  elseif init.error then
    why = 'initialize failed: ' .. vim.json.encode(init.error)
  elseif type(init.result) ~= 'table' or type(init.result.capabilities) ~= 'table' then
    why = 'initialize answered without capabilities'
  end
  if why then
    if stderr_text ~= '' then
      why = why .. '; stderr: ' .. stderr_text
    end
    return nil, why
  end
  return init.result, elapsed, { code = exit_code, signal = exit_signal, killed = killed }
end

function M.check()
  local report = reporter()
  local govc = require('govc')
  report.start('govc')

  local v = vim.version()
  local nvim = ('Neovim %d.%d.%d'):format(v.major, v.minor, v.patch)
  if govc.enabled_by_vim_lsp() then
    report.info(nvim .. ": the server is started by vim.lsp.enable('govc') (lsp/govc.lua)")
  elseif not govc.config.autostart then
    report.info(nvim .. ': setup{ autostart = false }, the plugin starts no server')
  elseif vim.lsp.start then
    report.info(nvim .. ': the plugin starts the server with vim.lsp.start')
  else
    report.info(nvim .. ': the plugin starts the server with vim.lsp.start_client')
  end

  local cmd, source = command(govc)
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    report.error(('govc binary not found: %s (%s) is not executable'):format(cmd[1], source), {
      'Install it: `cargo install --path .` in the govc repository puts it in ~/.cargo/bin',
      "Or point the plugin at it: vim.g.govc_path = '/path/to/govc'",
    })
    return
  end
  report.ok(('govc binary found: %s (%s)'):format(exe, source))

  local ver, ver_err = version(exe)
  if ver then
    report.ok('govc version: ' .. ver)
  else
    report.error(('`%s --version` failed: %s'):format(exe, ver_err))
  end

  local full = vim.deepcopy(cmd)
  full[1] = exe
  local result, detail, ended = M.start_server(full)
  if not result then
    report.error(('govc language server did not start: %s %s'):format(quote(full), detail), {
      'Run the command in a shell: it must wait for JSON-RPC on stdin',
    })
    return
  end
  local info = result.serverInfo or {}
  report.ok(
    ('govc language server started: %s answered initialize in %d ms (%s %s)'):format(
      quote(full),
      detail,
      info.name or '?',
      info.version or '?'
    )
  )
  if ended.killed then
    report.warn('govc language server did not exit after `shutdown` and `exit`; the check ended it')
  elseif ended.code and ended.code ~= 0 then
    report.warn(('govc language server exited with code %d after `exit`'):format(ended.code))
  end
end

return M
