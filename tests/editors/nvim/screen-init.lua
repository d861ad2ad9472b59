-- init.lua of the interactive Neovim screen test (screen.mjs): what a user's config would hold.
vim.opt.runtimepath:prepend(os.getenv('DYNLENS_NVIM_CONFIG'))
vim.opt.swapfile = false
vim.opt.termguicolors = true
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.opt.laststatus = 2
vim.opt.shortmess:append('I')
vim.diagnostic.config({ virtual_text = true, severity_sort = true })
vim.lsp.enable('dynlens')
