-- dynlens with nvim-lspconfig's `require('lspconfig').<name>.setup{}` interface
-- (nvim-lspconfig before its `lsp/` configs; Neovim 0.8–0.10). On Neovim 0.11+ prefer
-- lsp/dynlens.lua and vim.lsp.enable('dynlens').
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.dynlens then
  configs.dynlens = {
    default_config = {
      cmd = { 'dynlens' },
      filetypes = { 'rust' },
      root_dir = util.root_pattern('Cargo.toml', '.git'),
      single_file_support = true,
      init_options = {
        dynlens = { diagnostics = { enable = true }, hover = { detail = 'full' }, dynStar = { enable = true } },
      },
      settings = {
        dynlens = { diagnostics = { enable = true }, hover = { detail = 'full' }, dynStar = { enable = true } },
      },
    },
    docs = {
      description = 'dynlens: dyn compatibility, vtable layouts and expansions for Rust traits.',
    },
  }
end

require('lspconfig').dynlens.setup({})
