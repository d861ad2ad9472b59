-- dynlens language server for Neovim 0.11+.
--
-- Put this folder (editors/neovim) on 'runtimepath', or copy this file to
-- ~/.config/nvim/lsp/dynlens.lua, then:
--
--     vim.lsp.enable('dynlens')
--
-- It runs next to rust-analyzer on Rust buffers. Override anything with vim.lsp.config, e.g.
--
--     vim.lsp.config('dynlens', {
--       cmd = { '/path/to/dynlens' },
--       settings = { dynlens = { hover = { detail = 'compact' } } },
--     })
--
-- Settings (sent as initializationOptions and with workspace/didChangeConfiguration):
--   dynlens.diagnostics.enable  (true)   errors on `dyn Trait` of traits that are not dyn compatible
--   dynlens.hover.detail        ('full') 'full' or 'compact'
--   dynlens.dynStar.enable      (true)   dyn* verdicts in hovers and actions
--
-- Buffer command :DynlensExpand shows the vtable expansion of the trait under the cursor in a
-- read-only split (the custom request dynlens/expandTrait).

local settings = {
  dynlens = {
    diagnostics = { enable = true },
    hover = { detail = 'full' },
    dynStar = { enable = true },
  },
}

--- Shows the expansion of the trait under the cursor in a scratch split.
---@param client vim.lsp.Client
---@param bufnr integer
local function show_expansion(client, bufnr)
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  client:request('dynlens/expandTrait', params, function(err, result)
    if err then
      vim.notify('dynlens: could not expand the trait: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if result == nil or result == vim.NIL then
      vim.notify('dynlens: there is no trait at the cursor', vim.log.levels.INFO)
      return
    end
    vim.cmd('vsplit')
    local buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_win_set_buf(0, buf)
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(result.text, '\n', { plain = true }))
    pcall(vim.api.nvim_buf_set_name, buf, 'dynlens://' .. result.traitName .. ' vtable expansion')
    vim.bo[buf].filetype = 'rust'
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].modifiable = false
  end, bufnr)
end

---@type vim.lsp.Config
return {
  cmd = { 'dynlens' },
  filetypes = { 'rust' },
  root_markers = { 'Cargo.toml', '.git' },
  init_options = settings,
  settings = settings,
  on_attach = function(client, bufnr)
    vim.api.nvim_buf_create_user_command(bufnr, 'DynlensExpand', function()
      show_expansion(client, bufnr)
    end, { desc = 'dynlens: show the vtable expansion of the trait under the cursor' })
  end,
}
