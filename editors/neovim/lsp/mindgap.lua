-- mindgap language server: a vim.lsp.Config for Neovim 0.11+.
--
--   vim.lsp.enable('mindgap')            -- with editors/neovim on 'runtimepath'
--
-- No `filetypes`: mindgap watches every file. Note that vim.lsp.enable() starts
-- servers from the FileType event, which never fires for a buffer whose filetype
-- is not detected; require('mindgap').setup() covers those buffers too.

---@type vim.lsp.Config
return {
  cmd = { 'mindgap', 'lsp' },
  root_markers = { '.git' },
  capabilities = {
    experimental = { mindgapStatus = true },
  },
  handlers = {
    ['mindgap/status'] = function(_, result, ctx)
      local ok, mindgap = pcall(require, 'mindgap')
      if ok then
        mindgap._on_status(result, ctx)
      end
    end,
  },
}
