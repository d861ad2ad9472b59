-- dynlens for Neovim 0.7 to 0.10, without nvim-lspconfig.
--
--     vim.opt.runtimepath:append('/path/to/dynlens/editors/neovim')
--     require('dynlens.legacy').setup({
--       cmd = { 'dynlens' },                          -- or an absolute path
--       settings = { dynlens = { hover = { detail = 'compact' } } },
--     })
--
-- Starts one dynlens client per project root (nearest folder with Cargo.toml or .git) when a
-- Rust buffer is opened, and attaches every Rust buffer of that root to it. Neovim 0.11+ should
-- use lsp/dynlens.lua with vim.lsp.enable('dynlens') instead.

local M = {}

local defaults = {
  cmd = { 'dynlens' },
  root_markers = { 'Cargo.toml', '.git' },
  settings = {
    dynlens = {
      diagnostics = { enable = true },
      hover = { detail = 'full' },
      dynStar = { enable = true },
    },
  },
}

local options = vim.deepcopy(defaults)
--- client id by root directory
local clients = {}

--- Nearest ancestor of `path` (a file) that holds one of `markers`; the file's folder otherwise.
local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local start = dir
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Shows the vtable expansion of the trait under the cursor in a read-only scratch split.
function M.show_expansion(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client
  local attached = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(attached) do
    if c.name == 'dynlens' then
      client = c
    end
  end
  if not client then
    vim.notify('dynlens: no dynlens client is attached to this buffer', vim.log.levels.WARN)
    return
  end
  local params = vim.lsp.util.make_position_params()
  request(client, 'dynlens/expandTrait', params, function(err, result)
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
    vim.api.nvim_buf_set_option(buf, 'filetype', 'rust')
    vim.api.nvim_buf_set_option(buf, 'buftype', 'nofile')
    vim.api.nvim_buf_set_option(buf, 'bufhidden', 'wipe')
    vim.api.nvim_buf_set_option(buf, 'modifiable', false)
  end, bufnr)
end

--- Attaches `bufnr` to the dynlens client of its root, starting the client if needed.
--- Returns the client id, or nil when the server could not be started.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = find_root(name ~= '' and name or (vim.loop.cwd() .. '/x'), options.root_markers)
  local id = clients[root]
  if id == nil or vim.lsp.client_is_stopped(id) then
    if vim.fn.executable(options.cmd[1]) ~= 1 then
      vim.notify('dynlens: server binary not found: ' .. options.cmd[1]
        .. ' (install it or pass cmd to require("dynlens.legacy").setup)', vim.log.levels.ERROR)
      return nil
    end
    id = vim.lsp.start_client({
      name = 'dynlens',
      cmd = options.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      init_options = options.settings,
      settings = options.settings,
      on_exit = function(code, signal)
        if code ~= 0 then
          vim.schedule(function()
            vim.notify(('dynlens: the server exited (code %d, signal %d); reopen the buffer or run :DynlensRestart')
              :format(code, signal or 0), vim.log.levels.WARN)
          end)
        end
      end,
    })
    if id == nil then
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Stops every dynlens client and reattaches the open Rust buffers.
function M.restart()
  for root, id in pairs(clients) do
    vim.lsp.stop_client(id)
    clients[root] = nil
  end
  vim.defer_fn(function()
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.api.nvim_buf_get_option(buf, 'filetype') == 'rust' then
        M.attach(buf)
      end
    end
  end, 200)
end

--- Registers the FileType autocommand and the user commands. `opts` overrides the defaults.
function M.setup(opts)
  options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup('dynlens_legacy', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'rust',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  vim.api.nvim_create_user_command('DynlensExpand', function()
    M.show_expansion()
  end, { desc = 'dynlens: show the vtable expansion of the trait under the cursor' })
  vim.api.nvim_create_user_command('DynlensRestart', M.restart, { desc = 'dynlens: restart the server' })
  -- Buffers that were already open before setup().
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.api.nvim_buf_get_option(buf, 'filetype') == 'rust' then
      M.attach(buf)
    end
  end
end

return M
