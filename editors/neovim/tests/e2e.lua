-- Headless end-to-end check of the mindgap Neovim plugin, run by tests/tests/neovim.rs:
--
--   nvim --headless --clean -u editors/neovim/tests/e2e.lua FILE
--
-- Environment: MINDGAP_NVIM_PLUGIN (editors/neovim), MINDGAP_NVIM_BIN (the mindgap binary),
-- MINDGAP_NVIM_RESULT (JSON written here), MINDGAP_NVIM_TRACE (optional: `lsp --record` path),
-- MINDGAP_HOME (the server's home, inherited by the server).
--
-- It waits for the server to attach, types a few keys from libuv timers (40 ms apart), pastes a
-- block with vim.paste (the plugin sends the hint), accepts two items from a stand-in completion
-- menu with <C-y> (one offered by a language server, one by a client named `copilot`: the
-- plugin hints `item`, then `completion`), then lets a stand-in nvim-cmp insert an entry of its
-- `codeium` source (`completion`), runs `:Mindgap task start demo`, waits for
-- the status line to name the task and for a mindgap diagnostic, runs :checkhealth mindgap,
-- stops the server cleanly and quits. Results (and failures) go to MINDGAP_NVIM_RESULT.

local uv = vim.uv
local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')
local env = H.env
local plugin = env('MINDGAP_NVIM_PLUGIN')
local bin = env('MINDGAP_NVIM_BIN')
local result_path = env('MINDGAP_NVIM_RESULT')
local trace = os.getenv('MINDGAP_NVIM_TRACE')

vim.opt.runtimepath:prepend(plugin)

local t0 = uv.hrtime()
local function now()
  return math.floor((uv.hrtime() - t0) / 1e6)
end

local R = { errors = {}, events = {}, nvim = tostring(vim.version()) }
local function log(ev)
  ev.t = now()
  R.events[#R.events + 1] = ev
end
local write, fail = H.results(result_path, R)

local cmd = { bin, 'lsp' }
if trace and trace ~= '' then
  vim.list_extend(cmd, { '--record', trace })
end

-- A stand-in for nvim-cmp's event API (`require('cmp').event:on(name, fn)`), loaded before the
-- plugin's setup as a real nvim-cmp would be.
local cmp_handlers = {}
package.loaded['cmp'] = {
  event = {
    on = function(_, name, fn)
      cmp_handlers[name] = fn
    end,
  },
}

local mindgap = require('mindgap')
mindgap.setup({ cmd = cmd })
-- The server's own exit code, for the test to check (after :qa the result file is final).
vim.lsp.config('mindgap', {
  on_exit = function(code, signal)
    R.server_exit = { code = code, signal = signal }
    write()
  end,
})

vim.api.nvim_create_autocmd('User', {
  pattern = 'MindgapStatus',
  callback = function(args)
    log({ ev = 'status', text = args.data and args.data.text })
  end,
})

local function mindgap_diagnostics(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == 'mindgap' then
      out[#out + 1] = { code = d.code, lnum = d.lnum, end_lnum = d.end_lnum, severity = d.severity, message = d.message }
    end
  end
  return out
end

local wait_for = H.waiter(fail, function(what)
  log({ ev = 'ready', what = what })
end)
local type_keys = H.type_keys

local PASTE = {
  'def area(r):',
  '    return 3.14 * r * r',
  '',
  '',
  'def perimeter(r):',
  '    return 6.28 * r',
  '',
  '',
  'def diameter(r):',
  '    return 2 * r',
  '',
}

local buf

local practices, health

local function finish()
  R.statusline = mindgap.statusline()
  R.status = mindgap.status()
  R.diagnostics = mindgap_diagnostics(buf)
  R.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  R.clients = #vim.lsp.get_clients({ name = 'mindgap' })
  -- a second buffer with a known filetype attaches to the same client
  vim.cmd('edit other.py')
  local other = vim.api.nvim_get_current_buf()
  wait_for('other.py attached', 10000, function()
    return #mindgap.clients(other) > 0
  end, function()
    R.other_attached = true
    R.clients_after_other = #vim.lsp.get_clients({ name = 'mindgap' })
    practices(health)
  end)
end

-- The practices: `:Mindgap learn TEXT` and `:Mindgap self-check`, its five vim.ui.select
-- questions answered here (2 each), then `k()`.
practices = function(k)
  local notified = {}
  local notify, select = vim.notify, vim.ui.select
  vim.notify = function(msg, level, o)
    notified[#notified + 1] = msg
    return notify(msg, level, o)
  end
  local asked = 0
  vim.ui.select = function(items, _, on_choice)
    asked = asked + 1
    on_choice(items[2], 2)
  end
  local before = vim.api.nvim_get_current_buf()
  vim.cmd('Mindgap learn typed in neovim')
  vim.cmd('Mindgap self-check')
  wait_for('learn and self-check answered', 10000, function()
    local learned = vim.iter(notified):any(function(m)
      return m:find('learning log', 1, true) ~= nil
    end)
    return learned and asked == 5 and vim.api.nvim_get_current_buf() ~= before
  end, function()
    vim.notify, vim.ui.select = notify, select
    R.self_check = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    R.learned = notified
    vim.cmd('bwipe')
    if not table.concat(R.self_check, '\n'):find('of five feel uncomfortable', 1, true) then
      return fail('self-check answer: ' .. table.concat(R.self_check, '\n'))
    end
    -- `:Mindgap report`: the server writes the HTML and asks Neovim to open it in a browser.
    local open = vim.ui.open
    vim.ui.open = function(path)
      R.report_opened = path
      return nil, nil
    end
    vim.cmd('Mindgap report 4w')
    wait_for('report opened', 10000, function()
      return R.report_opened ~= nil
    end, function()
      vim.ui.open = open
      k()
    end)
  end)
end

health = function()
  do
    vim.cmd('silent checkhealth mindgap')
    R.health = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    vim.cmd('bdelete')
    -- stop the server the way a clean shutdown goes (shutdown, exit), then quit
    local client = mindgap.clients()[1]
    client:stop()
    wait_for('server stopped', 10000, function()
      return client:is_stopped() and R.server_exit ~= nil
    end, function()
      write()
      vim.cmd('qa!')
    end)
  end
end

local function after_paste()
  vim.api.nvim_input('<Esc>')
  vim.defer_fn(function()
    vim.cmd('Mindgap task start demo')
    wait_for('status names the task and a mindgap diagnostic', 15000, function()
      local codes = {}
      for _, d in ipairs(mindgap_diagnostics(buf)) do
        codes[d.code or ''] = true
      end
      return mindgap.statusline():find('demo', 1, true) ~= nil and (codes['early-help'] or codes['unexplained'])
    end, finish)
  end, 100)
end

-- Stand-in language servers, in process: they only answer initialize and shutdown, so that
-- `vim.lsp.get_client_by_id` names the source of a menu item the way `vim.lsp.completion`
-- marks it (`user_data.nvim.lsp.client_id`).
local function fake_client(name)
  return vim.lsp.start({
    name = name,
    root_dir = vim.fn.getcwd(),
    cmd = function(dispatchers)
      local closing, id = false, 0
      return {
        request = function(method, _, callback)
          id = id + 1
          if callback then
            vim.schedule(function()
              callback(nil, method == 'initialize' and { capabilities = {} } or nil)
            end)
          end
          return true, id
        end,
        notify = function(method)
          if method == 'exit' then
            closing = true
            vim.schedule(function()
              dispatchers.on_exit(0, 0)
            end)
          end
          return true
        end,
        is_closing = function()
          return closing
        end,
        terminate = function()
          closing = true
        end,
      }
    end,
  }, { bufnr = buf })
end

-- The stand-in completion source ('completefunc', <C-x><C-u>): after `tot`, a language
-- server's item; after `cou`, an AI tool's.
local standin = {}
_G.MindgapStandIn = function(findstart, base)
  if findstart == 1 then
    local line, col = vim.api.nvim_get_current_line(), vim.fn.col('.') - 1
    while col > 0 and line:sub(col, col):match('[%w_]') do
      col = col - 1
    end
    return col
  end
  local function item(word, client)
    return { word = word, menu = '[LSP]', user_data = { nvim = { lsp = { client_id = client, completion_item = { label = word } } } } }
  end
  -- two items each, so that the menu shows and <C-y> accepts the first
  if vim.startswith(base, 'tot') then
    return { item('total_count', standin.ls), item('totals', standin.ls) }
  end
  return { item('count_items(xs)', standin.ai), item('count', standin.ai) }
end

local function menus()
  standin.ls = fake_client('standin_ls')
  standin.ai = fake_client('copilot')
  vim.bo[buf].completefunc = 'v:lua.MindgapStandIn'
  R.tick_before_menus = vim.api.nvim_buf_get_changedtick(buf)
  local keys = { 't', 'o', 't', '<C-x>', '<C-u>', '<C-y>', '<Space>', '=', '<Space>', 'c', 'o', 'u', '<C-x>', '<C-u>', '<C-y>', '<CR>' }
  type_keys(keys, 80, function()
    -- nvim-cmp: its menu opens, it inserts an entry of its `codeium` source, confirm_done
    vim.defer_fn(function()
      R.cmp_hooked = cmp_handlers.menu_opened ~= nil and cmp_handlers.confirm_done ~= nil
      if not R.cmp_hooked then
        return fail('the plugin did not hook nvim-cmp events')
      end
      cmp_handlers.menu_opened({})
      local row, col = unpack(vim.api.nvim_win_get_cursor(0))
      vim.api.nvim_buf_set_text(buf, row - 1, col, row - 1, col, { 'mean_of(xs)' })
      cmp_handlers.confirm_done({ entry = { source = { name = 'codeium' } } })
      -- let the last didChange and hint go out before the task starts
      vim.defer_fn(after_paste, 300)
    end, 300)
  end)
end

local function paste()
  -- give Neovim's didChange debounce (150 ms) time to send the typing on its own
  vim.defer_fn(function()
    R.mode_at_paste = vim.api.nvim_get_mode().mode
    R.tick_before_paste = vim.api.nvim_buf_get_changedtick(buf)
    local ok, err = pcall(vim.paste, PASTE, -1)
    if not ok then
      return fail('vim.paste: ' .. tostring(err))
    end
    R.tick_after_paste = vim.api.nvim_buf_get_changedtick(buf)
    R.lsp_version_after_paste = vim.lsp.util.buf_versions[buf]
    log({ ev = 'pasted', tick = R.tick_after_paste })
    vim.defer_fn(menus, 300)
  end, 400)
end

local function start()
  buf = vim.api.nvim_get_current_buf()
  R.file = vim.api.nvim_buf_get_name(buf)
  R.filetype = vim.bo[buf].filetype
  wait_for('client attached', 15000, function()
    local c = mindgap.clients(buf)[1]
    return c and c.initialized and vim.lsp.buf_is_attached(buf, c.id)
  end, function()
    local c = mindgap.clients(buf)[1]
    R.encoding = c.offset_encoding
    R.root_dir = c.root_dir
    R.statusline_before = mindgap.statusline()
    vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(buf), 0 })
    local keys = { 'o' }
    for ch in ('x = 1 + 2'):gmatch('.') do
      keys[#keys + 1] = ch == ' ' and '<Space>' or ch
    end
    keys[#keys + 1] = '<CR>'
    type_keys(keys, 40, paste)
  end)
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    vim.schedule(start)
  end,
})

-- a hang never outlives the test: quit on our own after 45 s
vim.defer_fn(function()
  fail('e2e.lua: overall timeout')
end, 45000)
