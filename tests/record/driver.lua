-- Neovim side of record_nvim.py: starts the language server for every buffer,
-- then plays a timed plan of keystrokes/pastes and logs which plan step was
-- active when each buffer change happened (one buffer change = one LSP change).
--
-- The plan path comes in $MINDGAP_RECORD_PLAN (JSON written by record_nvim.py):
--   { cmd = {...}, root = DIR, events = PATH, start_delay = MS, steps = {
--       { delay = MS, ["do"] = "input"|"paste"|"setreg"|"dump"|"ai_suggest"|"format"|..., ... }, ... } }
-- Nothing here knows about classes: record_nvim.py turns the log into labels.

local plan_path = assert(os.getenv('MINDGAP_RECORD_PLAN'), 'MINDGAP_RECORD_PLAN not set')
local plan = vim.json.decode(assert(io.open(plan_path)):read('*a'))

local uv = vim.uv or vim.loop

if plan.clipboard then
  -- A stand-in clipboard tool (the `"+`/`"*` registers): what xclip or wl-copy would hold.
  -- A `setreg` step on `+` is the person copying text outside the editor.
  local held = { ['+'] = { { '' }, 'v' }, ['*'] = { { '' }, 'v' } }
  vim.g.clipboard = {
    name = 'record-stand-in',
    copy = {
      ['+'] = function(lines, regtype) held['+'] = { lines, regtype } end,
      ['*'] = function(lines, regtype) held['*'] = { lines, regtype } end,
    },
    paste = {
      ['+'] = function() return held['+'] end,
      ['*'] = function() return held['*'] end,
    },
  }
end
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
-- Within one step, the stand-in plugins below say which part of their work is
-- going on (e.g. copilot.vim's <Del>s before its insert, supermaven's space
-- insert+delete after it). It is logged with every on_lines callback and reset
-- when the next step starts; record_nvim.py maps it to a class via step.parts.
local part = nil
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
    if plan.menu then
      -- A second language server whose only job is a completion menu (menu_server.py):
      -- the ordinary "some other language server" a person has, with no mindgap plugin.
      local menu_id = vim.lsp.start({
        name = 'menu',
        cmd = plan.menu.cmd,
        root_dir = plan.root,
        flags = { exit_timeout = 1000 },
      }, { bufnr = buf })
      emit({ ev = 'lsp_start', buf = buf, client = menu_id, name = 'menu' })
    end
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
          part = part,
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
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if plan.menu and client and client.name == 'menu' then
      -- Neovim 0.11's built-in LSP completion (:h lsp-completion): <C-y> on an item
      -- expands snippets through vim.snippet. <C-x><C-o> (omnifunc) or <C-Space>
      -- (vim.lsp.completion.get(), the mapping the help suggests) opens the menu.
      vim.lsp.completion.enable(true, client.id, args.buf, { autotrigger = plan.menu.autotrigger or false })
      if plan.menu.completeopt then
        -- e.g. the help's `set completeopt+=menuone,noselect,popup`: the menu shows even
        -- for one match, and <C-y> has an item to accept
        vim.o.completeopt = plan.menu.completeopt
      end
      vim.bo[args.buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
      vim.keymap.set('i', '<C-Space>', function()
        vim.lsp.completion.get()
      end, { buffer = args.buf })
    end
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
    buffers = vim.tbl_map(function(b)
      return {
        name = vim.api.nvim_buf_get_name(b),
        lines = vim.api.nvim_buf_get_lines(b, 0, -1, false),
        eol = vim.bo[b].eol,
        modified = vim.bo[b].modified,
      }
    end, vim.tbl_filter(function(b)
      return vim.api.nvim_buf_is_loaded(b) and vim.api.nvim_buf_get_name(b) ~= ''
    end, vim.api.nvim_list_bufs())),
  }))
  f:close()
end

-- A stand-in "AI completion plugin". Step `ai_suggest` shows a suggestion as
-- ghost text (an extmark: no buffer change), as if a model had answered while
-- the person paused; the person then presses a key and the mapping applies it
-- the way the real plugins do (their accept code, reduced to the buffer edits):
--   <Tab>      style 'copilot': ONE vim.lsp.util.apply_text_edits whose range runs
--              from the start of the line to the cursor and whose newText re-sends
--              the typed prefix + the suggestion (how copilot LSP items look), then
--              <Down>s and <End> fed to put the cursor after it (copilot.lua accept).
--              style 'copilot_cursor': the same one edit, but the cursor is then put
--              at the end of the inserted text with nvim_win_set_cursor (copilot.lua's
--              current accept), not at <End>, so text after the cursor stays after it
--              (a suggestion taken mid-line, piece by piece).
--              style 'supermaven': feedkeys('<Space><Left><Del>') queued first, then
--              apply_text_edits over cursor..end of line, then nvim_win_set_cursor
--              (supermaven-nvim on_accept_suggestion): the space goes in and out
--              right after the insert.
--   <M-Right>  accept the next word (copilot.lua accept_word: its chunk pattern,
--              the same line-start edit as <Tab> carrying only that chunk).
--   <C-J>      style 'copilot_vim': an expr mapping that returns
--              <Left><Del> x outdent, <Del> x delete, then <C-R><C-R>= (one line)
--              or <C-R><C-O>= (several lines) with an expression that hands over
--              the text, then <End> (copilot#Accept()).
-- `part` tells the recorder which of these edits is which.
local ai_ns = vim.api.nvim_create_namespace('mindgap_record_ai')
local ai = nil -- the suggestion on show
local ai_queued = nil -- copilot.vim's s:suggestion_text

local function ai_show(step, at)
  local row, col = unpack(at or vim.api.nvim_win_get_cursor(0))
  ai = { text = step.text, style = step.style, outdent = step.outdent or 0, delete = step.delete or 0,
         buf = vim.api.nvim_get_current_buf(), row = row, col = col }
  -- a new suggestion replaces one still on show (e.g. the rest of a word accept that the
  -- person typed past): ghost text only, no buffer change
  vim.api.nvim_buf_clear_namespace(ai.buf, ai_ns, 0, -1)
  local lines = vim.split(step.text, '\n', { plain = true })
  local opts = { virt_text = { { lines[1], 'Comment' } }, virt_text_pos = 'inline' }
  if #lines > 1 then
    opts.virt_lines = vim.tbl_map(function(l)
      return { { l, 'Comment' } }
    end, vim.list_slice(lines, 2))
  end
  vim.api.nvim_buf_set_extmark(ai.buf, ai_ns, row - 1, col, opts)
end

-- Take the suggestion on show (all of it, its next word, or its next line: `word` is
-- false, true or 'line'), clear the ghost text.
local function ai_take(word)
  local s = ai
  if not s then
    error('accept key pressed with no suggestion on show')
  end
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  if row ~= s.row or col ~= s.col then
    error(('cursor moved since the suggestion was shown (%d,%d -> %d,%d)'):format(s.row, s.col, row, col))
  end
  vim.api.nvim_buf_clear_namespace(s.buf, ai_ns, 0, -1)
  ai = nil
  local text = s.text
  if word == 'line' then
    -- copilot.lua accept_line: up to the next newline and the next line's indent; when
    -- the suggestion starts with a newline, the whole next line with it
    local pat = text:sub(1, 1) == '\n' and '^\n[ \t]*[^\n]*\n?[ \t]*' or '^[^\n]*\n[ \t]*'
    local _, e = text:find(pat)
    if e and e > 0 then
      text = text:sub(1, e)
    end
  elseif word then
    local _, e = text:find('^%s*%p*[^%s%p]*%s*')
    if e and e > 0 then
      text = text:sub(1, e)
    end
  end
  return s, text
end

local function feed(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'n', false)
end

local function ai_apply(s, text)
  local buf, row, col = s.buf, s.row, s.col
  local lines = vim.split(text, '\n', { plain = true })
  vim.cmd('let &undolevels=&undolevels') -- an undo break, as copilot.lua makes
  part = 'accept'
  if s.style == 'supermaven' then
    feed('<Space><Left><Del>')
    vim.lsp.util.apply_text_edits({ {
      range = { start = { line = row - 1, character = col }, ['end'] = { line = row - 1, character = vim.fn.col('$') } },
      newText = text,
    } }, buf, 'utf-8')
    vim.api.nvim_win_set_cursor(0, { row + #lines - 1, (#lines == 1 and col or 0) + #lines[#lines] })
  else
    local line = vim.api.nvim_buf_get_lines(buf, row - 1, row, false)[1]
    vim.lsp.util.apply_text_edits({ {
      range = { start = { line = row - 1, character = 0 }, ['end'] = { line = row - 1, character = col } },
      newText = line:sub(1, col) .. text,
    } }, buf, 'utf-8')
    if s.style == 'copilot_cursor' then
      vim.api.nvim_win_set_cursor(0, { row + #lines - 1, (#lines == 1 and col or 0) + #lines[#lines] })
    else
      feed(string.rep('<Down>', #lines - 1) .. '<End>')
    end
  end
  part = 'after' -- whatever the fed keys do next (supermaven's space pair)
  local rest = s.text:sub(#text + 1)
  if rest ~= '' then
    -- accept-next-word/line: the rest stays on show after the accepted chunk, where the
    -- fed <Down>s and <End> put the cursor
    ai_show({ text = rest, style = s.style }, { row + #lines - 1, (#lines == 1 and col or 0) + #lines[#lines] })
  end
end

local function ai_accept(word)
  local ok, err = pcall(function()
    local s, text = ai_take(word)
    vim.schedule(function()
      local ok2, err2 = pcall(ai_apply, s, text)
      if not ok2 then
        emit({ ev = 'error', step = current, message = 'ai accept: ' .. tostring(err2) })
      end
    end)
  end)
  if not ok then
    emit({ ev = 'error', step = current, message = 'ai accept: ' .. tostring(err) })
  end
end

vim.keymap.set('i', '<Tab>', function()
  if not ai and vim.snippet.active({ direction = 1 }) then
    -- no suggestion on show: <Tab> is Neovim's own snippet jump (its default mapping)
    return vim.snippet.jump(1)
  end
  ai_accept(false)
end)
-- copilot.vim's partial accepts (copilot#AcceptWord, copilot#AcceptLine, its <M-Right> and
-- <M-C-Right>): the same keys as its <C-J> below, for the chunk its patterns cut, and no
-- <End> after. The word is `\n*` then non-keyword characters then keyword characters
-- (`\%(\k\@!.\)*\k*`); the line is `\n*` then the rest of the line, without its newline, so
-- the next line accept starts with that newline. A chunk holding a newline goes in through
-- <C-R><C-O>=, a one-line chunk through <C-R><C-R>= (as typed). The rest of the suggestion
-- stays on show where the insert leaves the cursor (copilot.vim asks for a new suggestion).
local ai_rest = nil
local function cv_partial(kind)
  local ok, s, text = pcall(ai_take, false)
  if not ok then
    emit({ ev = 'error', step = current, message = 'ai accept: ' .. tostring(s) })
    return
  end
  local chunk = kind == 'word' and text:match('^\n*[^%w_\n]*[%w_]*') or text:match('^\n*[^\n]*')
  chunk = chunk:gsub('\n*$', '')
  if chunk == '' then
    chunk = text
  end
  ai_queued = chunk
  part = 'del'
  local recall = chunk:find('\n') and '<C-R><C-O>=' or '<C-R><C-R>='
  local keys = string.rep('<Left><Del>', s.outdent) .. string.rep('<Del>', s.delete)
    .. recall .. 'v:lua.mindgap_ai_queued()<CR>'
  if #chunk < #text then
    ai_rest = { text = text:sub(#chunk + 1), style = s.style }
    keys = keys .. '<Cmd>lua mindgap_ai_rest()<CR>'
  end
  feed(keys)
end
function _G.mindgap_ai_rest()
  local rest = ai_rest
  ai_rest = nil
  if rest then
    ai_show(rest)
  end
end

vim.keymap.set('i', '<M-Right>', function()
  if ai and ai.style == 'copilot_vim' then
    return cv_partial('word')
  end
  ai_accept(true)
end)
vim.keymap.set('i', '<M-Down>', function()
  if ai and ai.style == 'copilot_vim' then
    return cv_partial('line')
  end
  ai_accept('line')
end)
-- Dismissing a suggestion changes no text: the ghost text goes, on copilot.lua's and
-- supermaven's dismiss key (<C-]>) or when Insert mode is left, as the real plugins do.
local function ai_dismiss()
  if ai then
    vim.api.nvim_buf_clear_namespace(ai.buf, ai_ns, 0, -1)
    ai = nil
  end
end
vim.keymap.set('i', '<C-]>', ai_dismiss)
vim.api.nvim_create_autocmd('InsertLeave', { callback = ai_dismiss })
vim.keymap.set('i', '<C-J>', function()
  local ok, s, text = pcall(ai_take, false)
  if not ok then
    emit({ ev = 'error', step = current, message = 'ai accept: ' .. tostring(s) })
    return ''
  end
  ai_queued = text
  part = 'del'
  local recall = text:find('\n') and '<C-R><C-O>=' or '<C-R><C-R>='
  return string.rep('<Left><Del>', s.outdent) .. string.rep('<Del>', s.delete)
    .. recall .. 'v:lua.mindgap_ai_queued()<CR><End>'
end, { expr = true, replace_keycodes = true })
-- copilot#TextQueuedForInsertion(): evaluated by <C-R>=, right before the insert
function _G.mindgap_ai_queued()
  part = 'accept'
  local t = ai_queued or ''
  ai_queued = nil
  return t
end

-- A stand-in formatter (conform.nvim's way): the new text is the buffer with the
-- step's literal replacements made; vim.diff gives the hunks, each hunk becomes
-- one line-wise TextEdit, and apply_text_edits applies them all at once.
local function format(buf, replace)
  local old_lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local old = table.concat(old_lines, '\n') .. '\n'
  local new = old
  for _, r in ipairs(replace) do
    local a, b = new:find(r[1], 1, true)
    assert(a, 'format: text not found: ' .. r[1])
    new = new:sub(1, a - 1) .. r[2] .. new:sub(b + 1)
  end
  local new_lines = vim.split(new, '\n', { plain = true })
  table.remove(new_lines) -- the '' after the final newline
  local edits = {}
  for _, h in ipairs(vim.diff(old, new, { result_type = 'indices', algorithm = 'histogram' })) do
    local sa, ca, sb, cb = h[1], h[2], h[3], h[4]
    local lines = vim.list_slice(new_lines, sb, sb + cb - 1)
    local first = ca == 0 and sa or sa - 1
    edits[#edits + 1] = {
      range = { start = { line = first, character = 0 }, ['end'] = { line = first + ca, character = 0 } },
      newText = #lines > 0 and (table.concat(lines, '\n') .. '\n') or '',
    }
  end
  emit({ ev = 'format', step = current, hunks = #edits })
  vim.lsp.util.apply_text_edits(edits, buf, 'utf-8')
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
  elseif what == 'ai_suggest' then
    ai_show(step)
  elseif what == 'format' then
    format(buf, step.replace)
  elseif what == 'dump' then
    dump(step.path)
  elseif what == 'write_file' then
    -- a disk change by "another process" (e.g. an agent), done from here
    local f = assert(io.open(step.path, 'w'))
    f:write(step.text)
    f:close()
  elseif what == 'append_file' then
    -- another process appends to a file (an agent's session log)
    local f = assert(io.open(step.path, 'a'))
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
    part = nil
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
  local menu_ok = true
  if plan.menu then
    local menu = vim.lsp.get_clients({ name = 'menu', bufnr = buf })[1]
    menu_ok = menu ~= nil and menu.initialized and vim.lsp.buf_is_attached(buf, menu.id)
  end
  if client and client.initialized and vim.lsp.buf_is_attached(buf, client.id) and menu_ok then
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
