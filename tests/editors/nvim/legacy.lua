-- Smoke test of editors/neovim/lua/dynlens/legacy.lua on Neovim 0.7 (Debian's):
--   nvim --headless --clean -u legacy.lua <fixture>/src/main.rs
-- Env: DYNLENS_NVIM_CONFIG, DYNLENS_TEST_DIR, DYNLENS_RESULT, DYNLENS_BIN (the server).
local H = dofile(os.getenv('DYNLENS_TEST_DIR') .. '/harness.lua')
vim.opt.runtimepath:append(os.getenv('DYNLENS_NVIM_CONFIG'))
vim.opt.swapfile = false
require('dynlens.legacy').setup({ cmd = { os.getenv('DYNLENS_BIN') } })

local TIMEOUT = 10000

local function dynlens_client(bufnr)
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == 'dynlens' then
      return c
    end
  end
end

local function test()
  local buf = vim.api.nvim_get_current_buf()
  local attached = vim.wait(TIMEOUT, function()
    local c = dynlens_client(buf)
    return c ~= nil and c.initialized == true
  end, 50)
  if not H.check('dynlens client attached and initialized', attached) then
    return
  end
  local client = dynlens_client(buf)
  local pos = H.find(buf, 'pub trait Shape', 'Shape')
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
    { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = pos }, TIMEOUT)
  local result, why = H.response_of(responses, client.id)
  local hover = H.hover_text(result)
  H.data.hover = hover
  H.check('hover answered', result ~= nil, why)
  H.check('hover gives the verdict', hover:find('not dyn compatible', 1, true) ~= nil, hover:sub(1, 80))
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      H.run(test)
    end)
  end,
})
