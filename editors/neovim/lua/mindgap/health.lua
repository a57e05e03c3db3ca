-- :checkhealth mindgap
local M = {}

function M.check()
  local h = vim.health
  h.start('mindgap')

  local cfg = vim.lsp.config.mindgap
  if not cfg then
    h.error('no LSP config named mindgap', {
      "put editors/neovim on 'runtimepath' (it holds lsp/mindgap.lua) or call require('mindgap').setup()",
    })
    return
  end
  local cmd = cfg.cmd
  if type(cmd) == 'function' then
    h.info('cmd is a function: cannot check the binary')
  elseif type(cmd) ~= 'table' or not cmd[1] then
    h.error('the mindgap config has no cmd')
  else
    local exe = cmd[1]
    local path = vim.fn.exepath(exe)
    if path == '' then
      h.error(('`%s` not found'):format(exe), {
        'install it: cargo install --path server --locked (from a clone of mindgap)',
        "or give its path: require('mindgap').setup({ cmd = '/path/to/mindgap' })",
      })
    else
      local ok, res = pcall(function()
        return vim.system({ path, '--version' }, { text = true }):wait(5000)
      end)
      if ok and res.code == 0 then
        h.ok(('%s: %s'):format(path, vim.trim(res.stdout or '')))
      else
        h.warn(('%s found, but `--version` failed: %s'):format(path, ok and vim.trim(res.stderr or '') or tostring(res)))
      end
    end
    h.info('command: ' .. table.concat(cmd, ' '))
  end

  if vim.lsp.is_enabled and vim.lsp.is_enabled('mindgap') then
    h.ok('enabled (vim.lsp.enable)')
  else
    h.warn("not enabled: call require('mindgap').setup() or vim.lsp.enable('mindgap')")
  end

  local clients = vim.lsp.get_clients({ name = 'mindgap' })
  if #clients == 0 then
    h.warn('no mindgap client is running; open a file to start one')
  end
  for _, c in ipairs(clients) do
    local bufs = vim.tbl_keys(c.attached_buffers or {})
    table.sort(bufs)
    local names = vim.tbl_map(function(b)
      local n = vim.api.nvim_buf_get_name(b)
      return n ~= '' and vim.fn.fnamemodify(n, ':~:.') or ('#' .. b)
    end, bufs)
    local attached = #bufs > 0
    local msg = ('client %d (root %s) %s'):format(
      c.id,
      c.root_dir or 'none',
      attached and ('attached to ' .. #bufs .. ' buffer(s): ' .. table.concat(names, ', ')) or 'attached to no buffer'
    )
    if attached then
      h.ok(msg)
    else
      h.warn(msg)
    end
  end

  local mg = require('mindgap')
  local text = mg.statusline()
  if mg.status() then
    h.ok('status line: ' .. (text ~= '' and text or '(empty)'))
  elseif #clients > 0 then
    h.info('no mindgap/status received yet')
  end
  if mg.options.hints then
    h.ok('edit hints (pastes, completion-menu items): on' .. (package.loaded['cmp'] and ', nvim-cmp too' or ''))
  else
    h.info('edit hints (pastes, completion-menu items): off')
  end
end

return M
