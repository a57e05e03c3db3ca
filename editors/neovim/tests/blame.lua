-- Headless check of `:Mindgap blame`, run by tests/tests/neovim.rs:
--
--   nvim --headless --clean -u editors/neovim/tests/blame.lua src/a.py
--
-- Environment: MINDGAP_NVIM_PLUGIN (editors/neovim), MINDGAP_NVIM_BIN (the mindgap binary),
-- MINDGAP_NVIM_RESULT (JSON written here), MINDGAP_HOME (the server's home).
--
-- The file is committed in a real git repository whose mindgap note describes its first lines.
-- The script types a line after the last one, pastes a block with vim.paste (the plugin sends the
-- hint), runs `:Mindgap blame` without saving, and records what the blame window shows and how it
-- is set up; scrolls the source window and records where the view's top line went; then types
-- one more line and runs require('mindgap').blame() again, which refreshes the same window.

local H = dofile(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/harness.lua')
local env = H.env
local plugin = env('MINDGAP_NVIM_PLUGIN')
local bin = env('MINDGAP_NVIM_BIN')
local result_path = env('MINDGAP_NVIM_RESULT')

vim.opt.runtimepath:prepend(plugin)

local R = { errors = {} }
local write, fail = H.results(result_path, R)

local mindgap = require('mindgap')
mindgap.setup({ cmd = { bin, 'lsp' } })

local wait_for = H.waiter(fail)
local type_keys = H.type_keys

local function keys_of(text)
  local keys = {}
  for ch in text:gmatch('.') do
    keys[#keys + 1] = ch == ' ' and '<Space>' or ch
  end
  return keys
end

local src, src_win

-- The blame window showing `src`, if any.
local function blame_window()
  for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.bo[vim.api.nvim_win_get_buf(w)].filetype == 'mindgapblame' then
      return w
    end
  end
end

local function view_state(w)
  local b = vim.api.nvim_win_get_buf(w)
  return {
    lines = vim.api.nvim_buf_get_lines(b, 0, -1, false),
    modifiable = vim.bo[b].modifiable,
    buftype = vim.bo[b].buftype,
    scrollbind = vim.wo[w].scrollbind,
    left_of_source = vim.api.nvim_win_get_position(w)[2] < vim.api.nvim_win_get_position(src_win)[2],
    windows = #vim.api.nvim_tabpage_list_wins(0),
    attached = #vim.lsp.get_clients({ bufnr = b }),
  }
end

local function again()
  -- One more line typed, then the Lua function: the same window, refreshed.
  vim.api.nvim_set_current_win(src_win)
  vim.api.nvim_win_set_cursor(src_win, { vim.api.nvim_buf_line_count(src), 0 })
  local keys = { 'o' }
  vim.list_extend(keys, keys_of('z = 4'))
  keys[#keys + 1] = '<Esc>'
  type_keys(keys, 40, function()
    local before = R.first.lines
    mindgap.blame()
    wait_for('the view refreshed', 10000, function()
      local w = blame_window()
      return w and #vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false) ~= #before
    end, function()
      R.second = view_state(blame_window())
      R.source_lines = vim.api.nvim_buf_get_lines(src, 0, -1, false)
      R.modified = vim.bo[src].modified
      write()
      vim.cmd('qa!')
    end)
  end)
end

local function blamed()
  local w = blame_window()
  R.first = view_state(w)
  R.source_scrollbind = vim.wo[src_win].scrollbind
  -- Scrolled together: two lines down in the source (keys, as a person scrolls), two lines down
  -- in the view.
  vim.api.nvim_set_current_win(src_win)
  vim.api.nvim_input('gg2<C-e>')
  vim.defer_fn(function()
    R.scrolled = { source = vim.fn.line('w0', src_win), view = vim.fn.line('w0', w) }
    again()
  end, 100)
end

local PASTE = { 'def g(a):', '    return a * 2', '' }

local function start()
  src, src_win = vim.api.nvim_get_current_buf(), vim.api.nvim_get_current_win()
  wait_for('client attached', 15000, function()
    local c = mindgap.clients(src)[1]
    return c and c.initialized and vim.lsp.buf_is_attached(src, c.id)
  end, function()
    vim.api.nvim_win_set_cursor(src_win, { vim.api.nvim_buf_line_count(src), 0 })
    local keys = { 'o' }
    vim.list_extend(keys, keys_of('y = 3'))
    keys[#keys + 1] = '<CR>'
    type_keys(keys, 40, function()
      -- Neovim's didChange debounce (150 ms) sends the typing on its own before the paste
      vim.defer_fn(function()
        local ok, err = pcall(vim.paste, PASTE, -1)
        if not ok then
          return fail('vim.paste: ' .. tostring(err))
        end
        vim.api.nvim_input('<Esc>')
        vim.defer_fn(function()
          vim.cmd('Mindgap blame')
          wait_for('the blame window', 10000, blame_window, blamed)
        end, 300)
      end, 400)
    end)
  end)
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    vim.schedule(start)
  end,
})

-- a hang never outlives the test
vim.defer_fn(function()
  fail('blame.lua: overall timeout')
end, 40000)
