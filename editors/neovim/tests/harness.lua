-- What the headless Neovim tests (e2e.lua, blame.lua) share: reading their environment, the
-- result file and failing into it, waiting for a condition, and typing keys from a timer.
-- Loaded with dofile() from the script beside it.

local uv = vim.uv
local M = {}

function M.env(k)
  return assert(os.getenv(k), k .. ' not set')
end

-- The result `R` (written as JSON to `path`), `write()` and `fail(msg)`, which records the
-- failure, writes and quits.
function M.results(path, R)
  R.errors = R.errors or {}
  local function write()
    local f = assert(io.open(path, 'w'))
    f:write(vim.json.encode(R))
    f:close()
  end
  local function fail(msg)
    R.errors[#R.errors + 1] = tostring(msg)
    write()
    vim.schedule(function()
      vim.cmd('qa!')
    end)
  end
  return write, fail
end

-- A `wait_for(what, ms, pred, k)` that polls `pred` every 20 ms (scheduled: full API), then
-- calls `k()` (after `on_ready(what)`, if given); `fail`s after `ms`.
function M.waiter(fail, on_ready)
  return function(what, ms, pred, k)
    local waited = 0
    local function tick()
      local ok, v = pcall(pred)
      if not ok then
        return fail(what .. ': ' .. tostring(v))
      end
      if v then
        if on_ready then
          on_ready(what)
        end
        local ok2, err = pcall(k)
        if not ok2 then
          fail(what .. ' then: ' .. tostring(err))
        end
        return
      end
      waited = waited + 20
      if waited > ms then
        return fail('timed out waiting for ' .. what)
      end
      vim.defer_fn(tick, 20)
    end
    tick()
  end
end

-- Feeds `keys` one at a time from a libuv timer (nvim_input is api-fast), `gap` ms apart, then
-- `k()`.
function M.type_keys(keys, gap, k)
  local i = 0
  local timer = assert(uv.new_timer())
  timer:start(gap, gap, function()
    i = i + 1
    if i > #keys then
      timer:stop()
      timer:close()
      vim.schedule(k)
      return
    end
    vim.api.nvim_input(keys[i])
  end)
end

return M
