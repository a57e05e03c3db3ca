-- mindgap for Neovim 0.11+: starts `mindgap lsp` for every file, keeps the latest
-- status line, tells the server about pastes and accepted completion-menu items, and offers
-- :Mindgap (tasks, practices, and `:Mindgap blame`: where each line came from).
--
--   require('mindgap').setup()                 -- defaults
--   require('mindgap').setup({ cmd = '/path/to/mindgap', hints = true })
--   vim.o.statusline = "%f %= %{v:lua.require'mindgap'.statusline()}"

local M = {}

local NAME = 'mindgap'

---@class mindgap.Options
---@field cmd? string|string[] the mindgap binary (string) or the whole command (list); default {'mindgap','lsp'}
---@field enable? boolean start the server for every file buffer (default true)
---@field hints? boolean send `mindgap/editHint` for pastes and accepted menu items (default true)
---@field ai_sources? string[] completion sources and LSP clients whose items are AI suggestions
---  (`completion`, outside help) rather than menu items (`item`); whole words, case ignored
M.options = {
  cmd = nil,
  enable = true,
  hints = true,
  ai_sources = {
    'copilot',
    'codeium',
    'windsurf',
    'supermaven',
    'tabnine',
    'tabby',
    'minuet',
    'llm',
    'lsp-ai',
    'lsp_ai',
    'cody',
    'ollama',
  },
}

-- The latest `mindgap/status` per client id, and the latest of all.
local by_client = {} ---@type table<integer, table>
local latest = nil ---@type table?

local function text_of(status)
  if type(status) == 'table' and type(status.text) == 'string' then
    return status.text
  end
  return ''
end

--- The mindgap clients attached to `buf` (all running mindgap clients when `buf` is nil).
---@param buf? integer
---@return vim.lsp.Client[]
function M.clients(buf)
  return vim.lsp.get_clients({ name = NAME, bufnr = buf })
end

--- Called by the `mindgap/status` handler in lsp/mindgap.lua.
function M._on_status(result, ctx)
  if type(result) ~= 'table' then
    return
  end
  if ctx and ctx.client_id then
    by_client[ctx.client_id] = result
  end
  latest = result
  pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'MindgapStatus', modeline = false, data = result })
  pcall(vim.cmd.redrawstatus, { bang = true })
end

--- The latest status object (SPEC section 6) for the current buffer's workspace, else the
--- latest received; nil before any arrives.
---@return table?
function M.status()
  local ok, clients = pcall(M.clients, vim.api.nvim_get_current_buf())
  if ok then
    for _, c in ipairs(clients) do
      if by_client[c.id] then
        return by_client[c.id]
      end
    end
  end
  return latest
end

--- The status line text ("" before any status arrives).
---@return string
function M.statusline()
  return text_of(M.status())
end

--- A lualine component: `sections = { lualine_x = { require('mindgap').lualine_component() } }`.
function M.lualine_component()
  return {
    function()
      return M.statusline()
    end,
    cond = function()
      return M.statusline() ~= ''
    end,
  }
end

-- `require('mindgap').lualine` is the same component, as a value.
setmetatable(M, {
  __index = function(_, k)
    if k == 'lualine' then
      return M.lualine_component()
    end
  end,
})

-- ---------------------------------------------------------------------------------------------
-- Edit hints

local changetracking = nil
do
  local ok, ct = pcall(require, 'vim.lsp._changetracking')
  if ok and type(ct) == 'table' and type(ct.flush) == 'function' then
    changetracking = ct
  end
end

-- Sends any didChange Neovim is still holding back (it debounces them, 150 ms by default),
-- so that a paste reaches the server as a didChange of its own.
local function flush(clients, buf)
  if not changetracking then
    return
  end
  for _, c in ipairs(clients) do
    pcall(changetracking.flush, c, buf)
  end
end

--- Sends `mindgap/editHint` for the current state of `buf` (its LSP version, which is the
--- buffer's changedtick).
---@param buf integer
---@param kind 'paste'|'completion'|'item'|'undo'|'redo'|'format'|'agent'
---@param source? string
function M.hint(buf, kind, source)
  local clients = M.clients(buf)
  if #clients == 0 then
    return
  end
  flush(clients, buf)
  local version = vim.lsp.util.buf_versions[buf] or vim.api.nvim_buf_get_changedtick(buf)
  for _, c in ipairs(clients) do
    c:notify('mindgap/editHint', {
      textDocument = { uri = vim.uri_from_bufnr(buf), version = version },
      kind = kind,
      source = source,
    })
  end
end

local original_paste = nil

local function wrap_paste()
  if original_paste then
    return
  end
  original_paste = vim.paste
  vim.paste = function(lines, phase)
    local buf = vim.api.nvim_get_current_buf()
    if not M.options.hints or vim.fn.getcmdtype() ~= '' then
      return original_paste(lines, phase)
    end
    local clients = M.clients(buf)
    if #clients == 0 then
      return original_paste(lines, phase)
    end
    if phase == -1 or phase == 1 then
      flush(clients, buf) -- what was typed before goes on its own
    end
    local before = vim.api.nvim_buf_get_changedtick(buf)
    local ret = original_paste(lines, phase)
    if vim.api.nvim_buf_is_valid(buf) and vim.api.nvim_buf_get_changedtick(buf) ~= before then
      M.hint(buf, 'paste', 'nvim.paste')
    end
    return ret
  end
end

-- Completion menus. An item picked from a menu (a language server's function, a snippet, a
-- buffer word) is `item` (class editor); an item an AI tool offered is `completion`.

--- Is `name` (a source, a client, a menu tag like "[Copilot]") one of `ai_sources`?
---@param name any
---@return boolean
function M.is_ai_source(name)
  if type(name) ~= 'string' or name == '' then
    return false
  end
  local n = name:lower()
  for _, s in ipairs(M.options.ai_sources or {}) do
    if n:find('%f[%w]' .. vim.pesc(s:lower()) .. '%f[^%w]') then
      return true
    end
  end
  return false
end

--- What offered a completed item (`v:completed_item`): the LSP client's name for Neovim's own
--- `vim.lsp.completion` (`user_data.nvim.lsp.client_id`), else a name its `user_data` gives
--- (`source`, `source_name`, `client_name`, `provider`); nil when nothing says.
---@param item table
---@return string?
function M.item_source(item)
  local ud = item.user_data
  if type(ud) == 'string' and ud:match('^%s*{') then
    local ok, decoded = pcall(vim.json.decode, ud)
    ud = ok and decoded or nil
  end
  if type(ud) ~= 'table' then
    return nil
  end
  local lsp = vim.tbl_get(ud, 'nvim', 'lsp')
  if type(lsp) == 'table' and lsp.client_id then
    local c = vim.lsp.get_client_by_id(lsp.client_id)
    if c then
      return c.name
    end
  end
  for _, k in ipairs({ 'source', 'source_name', 'client_name', 'provider' }) do
    if type(ud[k]) == 'string' and ud[k] ~= '' then
      return ud[k]
    end
  end
  return nil
end

--- The hint a completed item deserves: `completion` when an AI tool offered it (by its source,
--- or its menu or kind tag such as "[Copilot]"), else `item`; and the source's name.
---@param item table
---@return 'item'|'completion', string?
function M.item_kind(item)
  local source = M.item_source(item)
  if M.is_ai_source(source) or M.is_ai_source(item.menu) or M.is_ai_source(item.kind) then
    return 'completion', source
  end
  return 'item', source
end

-- A completion session per buffer: { tick = changedtick when it began, inserted = whether the
-- menu had already inserted an item by then }.
local sessions = {} ---@type table<integer, {tick: integer, inserted: boolean}>

-- The menu opens: send what was typed before it on its own, so that the hint that follows the
-- accept names the menu's changes only. Neovim (ModeChanged to ic/ix, nvim-cmp's menu_opened)
-- says so before the menu inserts anything; a menu that Lua opened with complete() has
-- already inserted its first item when CompleteChanged fires (inserted = true).
local function session_start(buf, inserted)
  if sessions[buf] or not M.options.hints then
    return
  end
  local clients = M.clients(buf)
  if #clients == 0 then
    return
  end
  flush(clients, buf)
  sessions[buf] = { tick = vim.api.nvim_buf_get_changedtick(buf), inserted = inserted }
end

-- An item was accepted: once the accept's own edits are done (a snippet's expansion, additional
-- edits the item carried; they run in the same CompleteDone), flush and hint that version.
local function session_done(buf, kind, source)
  local s = sessions[buf]
  sessions[buf] = nil
  if not M.options.hints or not kind then
    return
  end
  vim.schedule(function()
    if not vim.api.nvim_buf_is_valid(buf) then
      return
    end
    -- nothing changed since the menu opened (the word was typed out already): no hint, or it
    -- would name the typing
    if s and not s.inserted and vim.api.nvim_buf_get_changedtick(buf) == s.tick then
      return
    end
    M.hint(buf, kind, source)
  end)
end

local cmp_hooked = false

-- nvim-cmp draws its own menu and applies the item itself; its events say when and from which
-- source (`nvim_lsp` names the client).
local function hook_cmp()
  local cmp = package.loaded['cmp']
  if cmp_hooked or type(cmp) ~= 'table' or type(cmp.event) ~= 'table' then
    return
  end
  cmp_hooked = true
  cmp.event:on('menu_opened', function()
    session_start(vim.api.nvim_get_current_buf(), false)
  end)
  cmp.event:on('confirm_done', function(evt)
    local entry = type(evt) == 'table' and evt.entry or nil
    local name = entry and vim.tbl_get(entry, 'source', 'name')
    local client = entry and vim.tbl_get(entry, 'source', 'source', 'client', 'name')
    local source = (client and name and (name .. ':' .. client)) or name or client
    local ai = M.is_ai_source(name) or M.is_ai_source(client)
    session_done(vim.api.nvim_get_current_buf(), ai and 'completion' or 'item', 'nvim-cmp:' .. tostring(source))
  end)
end

local function hook_menus(group)
  vim.api.nvim_create_autocmd('ModeChanged', {
    group = group,
    pattern = { 'i:ic', 'i:ix' },
    callback = function()
      session_start(vim.api.nvim_get_current_buf(), false)
    end,
  })
  vim.api.nvim_create_autocmd('CompleteChanged', {
    group = group,
    callback = function()
      session_start(vim.api.nvim_get_current_buf(), true)
    end,
  })
  vim.api.nvim_create_autocmd('CompleteDone', {
    group = group,
    callback = function()
      local buf = vim.api.nvim_get_current_buf()
      local item = vim.v.completed_item
      local reason = vim.v.event and vim.v.event.reason
      local ud = type(item) == 'table' and item.user_data
      -- nvim-cmp's native menu: its confirm_done tells the source
      local from_cmp = cmp_hooked and type(ud) == 'table' and ud.cmp ~= nil
      if type(item) ~= 'table' or vim.tbl_isempty(item) or reason == 'cancel' or from_cmp then
        sessions[buf] = nil
        return
      end
      local kind, source = M.item_kind(item)
      session_done(buf, kind, 'nvim.complete:' .. (source or 'menu'))
    end,
  })
  vim.api.nvim_create_autocmd('InsertEnter', { group = group, callback = hook_cmp })
  hook_cmp()
end

-- ---------------------------------------------------------------------------------------------
-- Starting the server

local function resolved_config()
  local cfg = vim.lsp.config[NAME]
  return cfg and vim.deepcopy(cfg) or nil
end

-- vim.lsp.enable() starts servers on FileType, which never fires for a buffer whose filetype
-- is unknown; those buffers are started here.
local function ensure_attached(buf)
  if not M.options.enable or not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  local name = vim.api.nvim_buf_get_name(buf)
  -- only files: no special buffers, no unnamed ones, no URIs (health://, fugitive://, oil://)
  if vim.bo[buf].buftype ~= '' or name == '' or name:match('^%a[%w+.-]*://') then
    return
  end
  if #vim.lsp.get_clients({ name = NAME, bufnr = buf, _uninitialized = true }) > 0 then
    return
  end
  -- (A buffer vim.lsp.enable() already started for is harmless: vim.lsp.start() reuses the
  -- client of the same name and root, initialized or not.)
  local cfg = resolved_config()
  if not cfg then
    return
  end
  cfg.name = NAME
  if not cfg.root_dir then
    cfg.root_dir = vim.fs.root(buf, cfg.root_markers or { '.git' })
  end
  if type(cfg.root_dir) == 'function' then
    local fn = cfg.root_dir
    fn(buf, function(dir)
      cfg.root_dir = dir
      vim.schedule(function()
        vim.lsp.start(cfg, { bufnr = buf })
      end)
    end)
    return
  end
  vim.lsp.start(cfg, { bufnr = buf })
end

-- ---------------------------------------------------------------------------------------------
-- :Mindgap

local function notify(msg, level)
  vim.notify('mindgap: ' .. msg, level or vim.log.levels.INFO)
end

local function client_for_command()
  local c = M.clients(vim.api.nvim_get_current_buf())[1] or M.clients()[1]
  if not c then
    notify('the server is not running for this buffer (see :checkhealth mindgap)', vim.log.levels.ERROR)
  end
  return c
end

--- Runs the server command `command` with `args`; `done(result)` on success.
---@param command string
---@param args any[]
---@param done? fun(result: any)
function M.execute(command, args, done)
  local c = client_for_command()
  if not c then
    return
  end
  c:request('workspace/executeCommand', { command = command, arguments = args }, function(err, result)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
      return
    end
    if done then
      done(result)
    end
  end, vim.api.nvim_get_current_buf())
end

local function server_has_command(c, command)
  local p = c.server_capabilities and c.server_capabilities.executeCommandProvider
  return p and vim.tbl_contains(p.commands or {}, command) or false
end

--- Starts (or resumes) task `name`.
function M.task_start(name, manual, estimate)
  M.execute('mindgap.task.start', { { name = name, manual = manual or false, estimate = estimate } }, function(t)
    local what = manual and 'manual task ' or 'task '
    notify(what .. ((type(t) == 'table' and t.name) or name) .. ' started')
  end)
end

function M.task_finish()
  M.execute('mindgap.task.finish', {}, function(t)
    if type(t) == 'table' and t.name then
      local s = t.share or {}
      local function pct(v)
        return type(v) == 'number' and string.format('%d%%', math.floor(v * 100 + 0.5)) or '–'
      end
      local broken = t.broken
          and (' — this manual task took %d characters of outside help: it does not count as the week\'s feature without AI'):format(
            t.outside_chars or 0
          )
        or ''
      notify(('task %s finished: AI %s early / %s late%s'):format(t.name, pct(s.early), pct(s.late), broken))
    else
      notify('no active task to finish')
    end
  end)
end

function M.struggle(minutes)
  local arg = {}
  if minutes then
    arg.minutes = minutes
  end
  M.execute('mindgap.struggle.start', { arg }, function(r)
    local m = type(r) == 'table' and r.minutes or minutes
    notify(('struggle window open%s: try three things yourself first'):format(m and (' for ' .. m .. ' minutes') or ''))
  end)
end

function M.learn(text)
  local c = client_for_command()
  if not c then
    return
  end
  if server_has_command(c, 'mindgap.learn') then
    -- With text the server adds a dated entry; without, it opens the log (window/showDocument).
    M.execute('mindgap.learn', text and text ~= '' and { text } or {}, function(r)
      notify(type(r) == 'string' and r or 'noted in the learning log')
    end)
  else
    notify('the learning log is not available: this mindgap server has no mindgap.learn', vim.log.levels.WARN)
  end
end

--- The report: the server writes it as HTML in its home and asks Neovim to open it
--- (window/showDocument with external = true, which Neovim hands to vim.ui.open).
function M.report(since)
  local c = client_for_command()
  if not c then
    return
  end
  if not server_has_command(c, 'mindgap.report') then
    return notify('the report is not available: this mindgap server has no mindgap.report', vim.log.levels.WARN)
  end
  M.execute('mindgap.report', since and { { since = since } } or {}, function(r)
    notify(type(r) == 'string' and r or 'report written')
  end)
end

--- The self-check: the server's five questions, each rated 1 (very uncomfortable) .. 5
--- (comfortable) with vim.ui.select; the answer (the comparison and what it means) is shown in
--- a scratch buffer. `ratings` (five numbers) skips the questions.
---@param ratings? integer[]
function M.self_check(ratings)
  local c = client_for_command()
  if not c then
    return
  end
  if not server_has_command(c, 'mindgap.selfCheck') then
    return notify('the self-check is not available: this mindgap server has no mindgap.selfCheck', vim.log.levels.WARN)
  end
  local function show(r)
    local lines = vim.split(type(r) == 'string' and r or vim.inspect(r), '\n', { trimempty = true })
    vim.cmd('botright new')
    local buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].filetype = 'markdown'
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].modifiable = false
  end
  if ratings then
    return M.execute('mindgap.selfCheck', { { ratings = ratings } }, show)
  end
  M.execute('mindgap.selfCheck', {}, function(info)
    local questions = type(info) == 'table' and info.questions or {}
    local previous = type(info) == 'table' and type(info.previous) == 'table' and info.previous.ratings or {}
    local answers = {}
    local function ask(i)
      if i > #questions then
        return M.execute('mindgap.selfCheck', { { ratings = answers } }, show)
      end
      local choices = { '1 very uncomfortable', '2', '3', '4', '5 comfortable' }
      if previous[i] then
        choices[previous[i]] = choices[previous[i]] .. ' (last time)'
      end
      vim.ui.select(choices, { prompt = ('self-check %d/5: %s'):format(i, questions[i]) }, function(_, idx)
        if not idx then
          return notify('self-check cancelled: nothing recorded')
        end
        answers[i] = idx
        ask(i + 1)
      end)
    end
    ask(1)
  end)
end

-- ---------------------------------------------------------------------------------------------
-- :Mindgap blame

-- The blame view of each source buffer (one at a time), so a second :Mindgap blame refreshes it.
local blame_views = {} ---@type table<integer, integer>

-- Highlights the origin of each row: outside help stands out, `unknown` is dimmed.
local BLAME_HL = {
  paste = 'DiagnosticWarn',
  completion = 'DiagnosticWarn',
  agent = 'DiagnosticWarn',
  mixed = 'DiagnosticInfo',
  unknown = 'Comment',
}
local blame_ns = vim.api.nvim_create_namespace('mindgap.blame')

local function set_local(win, name, value)
  vim.api.nvim_set_option_value(name, value, { scope = 'local', win = win })
end

-- The scratch buffer showing `src`'s blame (made the first time).
local function blame_buffer(src)
  local view = blame_views[src]
  if view and vim.api.nvim_buf_is_valid(view) then
    return view
  end
  view = vim.api.nvim_create_buf(false, true)
  blame_views[src] = view
  vim.bo[view].bufhidden = 'wipe'
  vim.bo[view].filetype = 'mindgapblame'
  pcall(vim.api.nvim_buf_set_name, view, 'mindgap-blame://' .. vim.api.nvim_buf_get_name(src))
  vim.api.nvim_create_autocmd('BufWipeout', {
    buffer = view,
    once = true,
    callback = function()
      blame_views[src] = nil
      -- the source's windows stop scrolling with a view that is gone
      for _, w in ipairs(vim.fn.win_findbuf(src)) do
        set_local(w, 'scrollbind', false)
        set_local(w, 'cursorbind', false)
      end
    end,
  })
  return view
end

-- Shows `rows` (one per line of `src`, from the server) in a read-only split left of `win`,
-- scrollbound to it; `lines` (the server's per-line objects) colour the origins.
local function show_blame(win, src, rows, lines)
  local view = blame_buffer(src)
  vim.bo[view].modifiable = true
  vim.api.nvim_buf_set_lines(view, 0, -1, false, rows)
  vim.bo[view].modifiable = false
  vim.bo[view].modified = false
  vim.api.nvim_buf_clear_namespace(view, blame_ns, 0, -1)
  for i, l in ipairs(lines) do
    local row, hl = rows[i], type(l) == 'table' and BLAME_HL[l.origin]
    local at = row and hl and row:find('(' .. l.origin, 1, true)
    if at then
      vim.api.nvim_buf_set_extmark(view, blame_ns, i - 1, at, { end_col = at + #l.origin, hl_group = hl })
    end
  end
  local bwin = vim.fn.bufwinid(view)
  if bwin == -1 then
    local width = 1
    for _, r in ipairs(rows) do
      width = math.max(width, vim.fn.strdisplaywidth(r))
    end
    bwin = vim.api.nvim_open_win(view, false, { split = 'left', win = win, width = width + 1 })
  end
  for name, value in pairs({ number = false, relativenumber = false, wrap = false, list = false, foldenable = false, signcolumn = 'no', winfixwidth = true }) do
    set_local(bwin, name, value)
  end
  -- The view follows the source: same top line, same cursor line, scrolled together.
  local cursor = vim.api.nvim_win_get_cursor(win)[1]
  pcall(vim.api.nvim_win_set_cursor, bwin, { math.min(cursor, math.max(#rows, 1)), 0 })
  for _, w in ipairs({ win, bwin }) do
    set_local(w, 'scrollbind', true)
    set_local(w, 'cursorbind', true)
  end
  vim.api.nvim_win_call(win, function()
    vim.cmd('syncbind')
  end)
  return bwin
end

--- `:Mindgap blame`: where each line of the current buffer came from (as the buffer is, unsaved
--- changes included): the server's rows — short commit (00000000 when not committed), origin
--- (own, paste, completion, agent, mixed, unknown), where that is known from (mindgap, git-ai,
--- live) and the line number — in a read-only split left of the buffer, scrolled with it.
--- Run it again to refresh the view; close it with :q.
function M.blame()
  local c = client_for_command()
  if not c then
    return
  end
  if not server_has_command(c, 'mindgap.blame') then
    return notify('blame is not available: this mindgap server has no mindgap.blame', vim.log.levels.WARN)
  end
  local win, src = vim.api.nvim_get_current_win(), vim.api.nvim_get_current_buf()
  -- (the request sends Neovim's pending didChange first: the server blames the buffer as it is)
  M.execute('mindgap.blame', { { uri = vim.uri_from_bufnr(src) } }, function(r)
    if type(r) ~= 'table' or type(r.text) ~= 'string' then
      return notify('blame: the server gave no lines', vim.log.levels.ERROR)
    end
    if not (vim.api.nvim_win_is_valid(win) and vim.api.nvim_buf_is_valid(src)) then
      return
    end
    local rows = vim.split(r.text, '\n', { plain = true })
    if rows[#rows] == '' then
      rows[#rows] = nil
    end
    show_blame(win, src, rows, type(r.lines) == 'table' and r.lines or {})
    for _, w in ipairs(type(r.warnings) == 'table' and r.warnings or {}) do
      notify(w, vim.log.levels.WARN)
    end
  end)
end

local subcommands = {
  task = { 'start', 'manual', 'finish' },
  stuck = {},
  status = {},
  learn = {},
  ['self-check'] = {},
  report = { '4w', '8w', '12w', '30d' },
  blame = {},
}

local function usage()
  notify('usage: :Mindgap task start NAME | task manual NAME | task finish | stuck [MINUTES] | status | learn [TEXT] | self-check [R1 R2 R3 R4 R5] | report [SINCE] | blame',
    vim.log.levels.ERROR)
end

local function command(opts)
  local a = opts.fargs
  local sub = a[1]
  if sub == 'task' then
    local what = a[2]
    if what == 'start' or what == 'manual' then
      local rest, estimate = {}, nil
      local i = 3
      while i <= #a do
        if a[i] == '--estimate' and tonumber(a[i + 1]) then
          estimate = tonumber(a[i + 1])
          i = i + 1
        else
          rest[#rest + 1] = a[i]
        end
        i = i + 1
      end
      local name = table.concat(rest, ' ')
      if name == '' then
        return notify('a task needs a name: :Mindgap task ' .. what .. ' NAME', vim.log.levels.ERROR)
      end
      return M.task_start(name, what == 'manual', estimate)
    elseif what == 'finish' then
      return M.task_finish()
    end
  elseif sub == 'stuck' then
    local minutes = a[2] and tonumber(a[2])
    if a[2] and not minutes then
      return notify('stuck takes a number of minutes: :Mindgap stuck 20', vim.log.levels.ERROR)
    end
    return M.struggle(minutes)
  elseif sub == 'status' then
    local t = M.statusline()
    return notify(t ~= '' and t or '(nothing to show yet)')
  elseif sub == 'report' then
    return M.report(a[2])
  elseif sub == 'blame' then
    return M.blame()
  elseif sub == 'learn' then
    return M.learn(table.concat(vim.list_slice(a, 2), ' '))
  elseif sub == 'self-check' then
    if #a == 1 then
      return M.self_check()
    end
    local ratings = {}
    for i = 2, #a do
      for n in a[i]:gmatch('[^,]+') do
        ratings[#ratings + 1] = tonumber(n)
      end
    end
    if #ratings ~= 5 then
      return notify('self-check takes five ratings from 1 to 5: :Mindgap self-check 4 2 3 5 1', vim.log.levels.ERROR)
    end
    return M.self_check(ratings)
  end
  usage()
end

local function complete(arglead, cmdline)
  local words = vim.split(cmdline, '%s+', { trimempty = false })
  local n = #words - 1 -- the word being completed
  local cands = {}
  if n == 1 then
    cands = vim.tbl_keys(subcommands)
    table.sort(cands)
  elseif n == 2 and subcommands[words[2]] then
    cands = subcommands[words[2]]
  end
  return vim.tbl_filter(function(c)
    return vim.startswith(c, arglead)
  end, cands)
end

-- ---------------------------------------------------------------------------------------------
-- setup

local did_setup = false

---@param opts? mindgap.Options
function M.setup(opts)
  M.options = vim.tbl_extend('force', M.options, opts or {})
  local cmd = M.options.cmd
  if type(cmd) == 'string' then
    cmd = { cmd, 'lsp' }
  end
  -- The same as lsp/mindgap.lua, so setup() works even if that file is not on 'runtimepath'.
  local cfg = {
    cmd = cmd,
    root_markers = { '.git' },
    capabilities = { experimental = { mindgapStatus = true } },
    handlers = {
      ['mindgap/status'] = function(_, result, ctx)
        M._on_status(result, ctx)
      end,
    },
  }
  if not cfg.cmd then
    cfg.cmd = (vim.lsp.config[NAME] or {}).cmd or { 'mindgap', 'lsp' }
  end
  vim.lsp.config(NAME, cfg)

  wrap_paste()

  if not did_setup then
    did_setup = true
    vim.api.nvim_create_user_command('Mindgap', command, {
      nargs = '*',
      complete = complete,
      desc = 'mindgap: task start|manual|finish, stuck, status, learn, self-check, report, blame',
    })
    local group = vim.api.nvim_create_augroup('mindgap', { clear = true })
    vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'BufFilePost' }, {
      group = group,
      callback = function(args)
        -- after FileType has had its turn
        vim.schedule(function()
          ensure_attached(args.buf)
        end)
      end,
    })
    hook_menus(group)
    vim.api.nvim_create_autocmd('LspDetach', {
      group = group,
      callback = function(args)
        local id = args.data and args.data.client_id
        if id and #vim.lsp.get_clients({ id = id }) == 0 then
          by_client[id] = nil
        end
      end,
    })
  end

  if M.options.enable then
    vim.lsp.enable(NAME)
    if vim.v.vim_did_enter == 1 then
      for _, buf in ipairs(vim.api.nvim_list_bufs()) do
        if vim.api.nvim_buf_is_loaded(buf) then
          vim.schedule(function()
            ensure_attached(buf)
          end)
        end
      end
    end
  else
    vim.lsp.enable(NAME, false)
  end
end

return M
