-- Neovim side of record_nvim.py: starts the language server for every buffer,
-- then plays a timed plan of keystrokes/pastes and logs which plan step was
-- active when each buffer change happened (one buffer change = one LSP change).
--
-- The plan path comes in $MINDGAP_RECORD_PLAN (JSON written by record_nvim.py):
--   { cmd = {...}, root = DIR, events = PATH, start_delay = MS, steps = {
--       { delay = MS, ["do"] = "input"|"paste"|"setreg"|"dump", ... }, ... } }
-- Nothing here knows about classes: record_nvim.py turns the log into labels.

local plan_path = assert(os.getenv('MINDGAP_RECORD_PLAN'), 'MINDGAP_RECORD_PLAN not set')
local plan = vim.json.decode(assert(io.open(plan_path)):read('*a'))

local uv = vim.uv or vim.loop
local t0 = uv.hrtime()
local log = assert(io.open(plan.events, 'w'))

local function now()
  return (uv.hrtime() - t0) / 1e6
end

local function emit(obj)
  obj.t = now()
  log:write(vim.json.encode(obj) .. '\n')
  log:flush()
end

local current = 0 -- index of the plan step being played (0 = before the plan)
local attached = {}

vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
  callback = function(args)
    local buf = args.buf
    -- Any filetype: mindgap watches every buffer.
    local id = vim.lsp.start({
      name = 'mindgap',
      cmd = plan.cmd,
      root_dir = plan.root,
      -- Neovim's default (false) sends `shutdown` on :qa and exits without
      -- reading the answer, so the server never gets `exit`. Waiting a little
      -- gives the full shutdown -> answer -> exit sequence. Debounce stays 150.
      flags = { exit_timeout = plan.exit_timeout or 1000 },
    }, { bufnr = buf })
    emit({ ev = 'lsp_start', buf = buf, client = id, name = vim.api.nvim_buf_get_name(buf) })
    if attached[buf] then
      return
    end
    attached[buf] = true
    vim.api.nvim_buf_attach(buf, false, {
      on_lines = function(_, b, tick, first, last, new_last)
        emit({
          ev = 'lines',
          buf = b,
          tick = tick,
          first = first,
          last = last,
          new_last = new_last,
          step = current,
          mode = vim.api.nvim_get_mode().mode,
        })
      end,
      on_reload = function(_, b)
        emit({ ev = 'reload', buf = b, tick = vim.api.nvim_buf_get_changedtick(b), step = current })
      end,
    })
  end,
})

vim.api.nvim_create_autocmd('LspAttach', {
  callback = function(args)
    emit({ ev = 'lsp_attach', buf = args.buf, client = args.data.client_id })
  end,
})

vim.api.nvim_create_autocmd('BufWritePost', {
  callback = function(args)
    emit({ ev = 'write', buf = args.buf, tick = vim.api.nvim_buf_get_changedtick(args.buf), step = current })
  end,
})

vim.api.nvim_create_autocmd('VimLeavePre', {
  callback = function()
    emit({ ev = 'leave', step = current })
  end,
})

local function dump(path)
  local buf = vim.api.nvim_get_current_buf()
  local f = assert(io.open(path, 'w'))
  f:write(vim.json.encode({
    name = vim.api.nvim_buf_get_name(buf),
    tick = vim.api.nvim_buf_get_changedtick(buf),
    lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
    eol = vim.bo[buf].eol,
    filetype = vim.bo[buf].filetype,
    indentexpr = vim.bo[buf].indentexpr,
    expandtab = vim.bo[buf].expandtab,
    shiftwidth = vim.bo[buf].shiftwidth,
    version = tostring(vim.version()),
  }))
  f:close()
end

-- Steps run from plain libuv timers, not vim.defer_fn: while Neovim waits for
-- the rest of a normal-mode command (after `"`, `d`, `g`, ...) it handles only
-- "fast" events, and scheduled callbacks would stall. nvim_input and
-- nvim_get_mode are api-fast, so keys are fed straight from the timer; other
-- steps happen in normal mode and are scheduled.
local function do_step(i, step)
  local what = step['do']
  local buf = vim.api.nvim_get_current_buf()
  emit({ ev = 'step', step = i, tick = vim.api.nvim_buf_get_changedtick(buf), mode = vim.api.nvim_get_mode().mode })
  if what == 'paste' then
    vim.api.nvim_paste(step.text, false, step.phase or -1)
  elseif what == 'setreg' then
    vim.fn.setreg(step.reg, step.text, step.regtype or 'l')
  elseif what == 'dump' then
    dump(step.path)
  elseif what == 'write_file' then
    -- a disk change by "another process" (e.g. an agent), done from here
    local f = assert(io.open(step.path, 'w'))
    f:write(step.text)
    f:close()
  elseif what == 'edit_file' then
    -- "another process" (an agent) rewrites a file on disk: first `find` -> `replace`
    local f = assert(io.open(step.path, 'r'))
    local text = f:read('*a')
    f:close()
    local a, b = text:find(step.find, 1, true)
    assert(a, 'edit_file: text not found in ' .. step.path)
    f = assert(io.open(step.path, 'w'))
    f:write(text:sub(1, a - 1) .. step.replace .. text:sub(b + 1))
    f:close()
  elseif what == 'shell' then
    -- another program changing the workspace (git, a formatter...), run from here
    local res = vim.system(step.argv, { cwd = plan.root, text = true }):wait()
    emit({ ev = 'shell', step = i, code = res.code, out = res.stdout, err = res.stderr })
  else
    error('unknown plan step: ' .. tostring(what))
  end
end

local function fail(msg)
  emit({ ev = 'error', step = current, message = tostring(msg) })
  vim.schedule(function()
    vim.cmd('qa!')
  end)
end

local function run(i)
  local step = plan.steps[i]
  if not step then
    return
  end
  local timer = assert(uv.new_timer())
  timer:start(step.delay, 0, function()
    timer:stop()
    timer:close()
    current = i
    if step['do'] == 'input' then
      emit({ ev = 'step', step = i, mode = vim.api.nvim_get_mode().mode })
      vim.api.nvim_input(step.keys)
      run(i + 1)
    else
      vim.schedule(function()
        local ok, err = pcall(do_step, i, step)
        if not ok then
          return fail(err)
        end
        run(i + 1)
      end)
    end
  end)
end

-- Start the plan once the server is initialized and attached to the buffer.
local waited = 0
local function wait_ready()
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ name = 'mindgap', bufnr = buf })[1]
  if client and client.initialized and vim.lsp.buf_is_attached(buf, client.id) then
    emit({
      ev = 'ready',
      buf = buf,
      tick = vim.api.nvim_buf_get_changedtick(buf),
      encoding = client.offset_encoding,
      debounce = client.flags.debounce_text_changes,
    })
    run(1)
    return
  end
  waited = waited + 20
  if waited > (plan.ready_timeout or 10000) then
    emit({ ev = 'not_ready' })
    vim.cmd('qa!')
    return
  end
  vim.defer_fn(wait_ready, 20)
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    vim.defer_fn(wait_ready, plan.start_delay or 0)
  end,
})
