-- End-to-end test of editors/neovim/lsp/dynlens.lua on Neovim 0.11+:
--   nvim --headless --clean -u e2e.lua <fixture>/src/main.rs
-- Env: DYNLENS_NVIM_CONFIG (the editors/neovim folder), DYNLENS_TEST_DIR (this folder),
-- DYNLENS_RESULT (JSON result file). `dynlens` must be on PATH: the config is used unchanged.
-- DYNLENS_WITH_RA=1 also runs rust-analyzer on the buffer, as users do: dynlens must work next
-- to it (both attached, both alive at the end, our answers unchanged).
local H = dofile(os.getenv('DYNLENS_TEST_DIR') .. '/harness.lua')
vim.opt.runtimepath:prepend(os.getenv('DYNLENS_NVIM_CONFIG'))
vim.opt.swapfile = false
vim.lsp.enable('dynlens')
local WITH_RA = os.getenv('DYNLENS_WITH_RA') == '1'
if WITH_RA then
  vim.lsp.config('rust_analyzer', {
    cmd = { 'rust-analyzer' },
    filetypes = { 'rust' },
    root_markers = { 'Cargo.toml' },
  })
  vim.lsp.enable('rust_analyzer')
end

local TIMEOUT = 10000

local function dynlens_client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'dynlens' })[1]
end

local function test()
  local buf = vim.api.nvim_get_current_buf()
  H.check('buffer is rust', vim.bo[buf].filetype == 'rust', vim.bo[buf].filetype)

  local attached = vim.wait(TIMEOUT, function()
    local c = dynlens_client(buf)
    return c ~= nil and c.initialized == true
  end, 50)
  if not H.check('dynlens client attached and initialized', attached) then
    return
  end
  local client = dynlens_client(buf)
  local ra
  if WITH_RA then
    vim.wait(TIMEOUT, function()
      ra = vim.lsp.get_clients({ bufnr = buf, name = 'rust_analyzer' })[1]
      return ra ~= nil and ra.initialized == true
    end, 50)
    H.check('rust-analyzer is attached to the same buffer', ra ~= nil)
  end
  H.check('root_dir is the fixture crate', client.root_dir == vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':p:h:h'),
    tostring(client.root_dir))
  H.check(':DynlensExpand is defined for the buffer', vim.api.nvim_buf_get_commands(buf, {}).DynlensExpand ~= nil)

  -- Diagnostics are pushed after didOpen; the one we look for is on the `dyn Shape` use.
  local use = H.find(buf, 'Box<dyn Shape>', 'dyn Shape')
  local diag
  local all = {}
  vim.wait(TIMEOUT, function()
    all = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == 'dynlens' then
        table.insert(all, ('%d: %s'):format(d.lnum, d.message))
        if d.lnum == use.line then
          diag = d
        end
      end
    end
    return diag ~= nil
  end, 50)
  H.data.diagnostics = all
  H.data.diagnostic = diag and { message = diag.message, lnum = diag.lnum, col = diag.col, code = diag.code, severity = diag.severity }
  if H.check('a dynlens diagnostic arrived on the `dyn Shape` line', diag ~= nil, table.concat(all, ' | ')) then
    H.check('diagnostic says Shape is not dyn compatible',
      diag.message:find('the trait `Shape` is not dyn compatible', 1, true) == 1, diag.message)
    H.check('diagnostic is an error with code dyn-incompatible',
      diag.severity == vim.diagnostic.severity.ERROR and diag.code == 'dyn-incompatible',
      ('severity %s, code %s'):format(tostring(diag.severity), tostring(diag.code)))
  end

  -- Hover on the definition of the trait that is not dyn compatible.
  local pos = H.find(buf, 'pub trait Shape', 'Shape')
  -- Asked of our client alone: with rust-analyzer attached, a request to all clients would wait
  -- for its indexing.
  local response = client:request_sync('textDocument/hover',
    { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = pos }, TIMEOUT, buf)
  local result, why = H.response_of(response and { [client.id] = response }, client.id)
  local hover = H.hover_text(result)
  H.data.hover = hover
  H.check('hover answered', result ~= nil, why)
  H.check('hover starts with the dynlens header', hover:find('**dynlens** · trait `Shape`', 1, true) == 1, hover:sub(1, 80))
  H.check('hover gives the verdict', hover:find('not dyn compatible', 1, true) ~= nil)
  H.check('hover names the violating method', hover:find('scaled', 1, true) ~= nil)

  -- The expand code action on the dyn compatible trait, applied to the buffer.
  pos = H.find(buf, 'pub trait Greet', 'Greet')
  response = client:request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = pos, ['end'] = pos },
    context = { diagnostics = {} },
  }, TIMEOUT, buf)
  local actions
  actions, why = H.response_of(response and { [client.id] = response }, client.id)
  local titles = {}
  local expand
  for _, a in ipairs(actions or {}) do
    table.insert(titles, a.title)
    if a.title == 'dynlens: Expand `Greet` into explicit vtable' then
      expand = a
    end
  end
  H.data.actions = titles
  if H.check('the expand action is offered on Greet', expand ~= nil, why or table.concat(titles, ' | ')) then
    if not expand.edit and client:supports_method('codeAction/resolve') then
      local resolved = client:request_sync('codeAction/resolve', expand, TIMEOUT, buf)
      expand = resolved and resolved.result or expand
    end
    H.check('the action carries an edit', expand.edit ~= nil)
    if expand.edit then
      vim.lsp.util.apply_workspace_edit(expand.edit, client.offset_encoding)
      local text = H.buffer_text(buf)
      H.data.expanded_lines = #vim.api.nvim_buf_get_lines(buf, 0, -1, false)
      H.check('buffer now has GreetVtable', text:find('GreetVtable', 1, true) ~= nil)
      H.check('buffer now has DynGreet', text:find('DynGreet', 1, true) ~= nil)
      H.check('the trait itself is still there', text:find('pub trait Greet {', 1, true) ~= nil)
    end
  end

  -- The dyn* conversion of `welcome(g: impl Greet)`, callers unchanged, applied to the buffer.
  pos = H.find(buf, 'g: impl Greet', 'Greet')
  response = client:request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = pos, ['end'] = pos },
    context = { diagnostics = {} },
  }, TIMEOUT, buf)
  actions, why = H.response_of(response and { [client.id] = response }, client.id)
  local convert
  titles = {}
  for _, a in ipairs(actions or {}) do
    table.insert(titles, a.title)
    if a.title:find('Convert `g` to dyn* (`DynGreet`), callers unchanged', 1, true) then
      convert = a
    end
  end
  H.data.convert_actions = titles
  if H.check('the dyn* conversion is offered on `g: impl Greet`', convert ~= nil, why or table.concat(titles, ' | ')) then
    if not convert.edit and client:supports_method('codeAction/resolve') then
      local resolved = client:request_sync('codeAction/resolve', convert, TIMEOUT, buf)
      convert = resolved and resolved.result or convert
    end
    if H.check('the conversion carries an edit', convert.edit ~= nil) then
      vim.lsp.util.apply_workspace_edit(convert.edit, client.offset_encoding)
      local text = H.buffer_text(buf)
      H.check('welcome is now a wrapper', text:find('welcome_dyn(DynGreet::new(g))', 1, true) ~= nil)
      H.check('the body is one non-generic function', text:find("fn welcome_dyn(g: DynGreet<'_>) -> String", 1, true) ~= nil)
    end
  end

  if WITH_RA then
    H.check('rust-analyzer is still running at the end', ra ~= nil and not ra:is_stopped())
    H.check('dynlens is still running at the end', not client:is_stopped())
  end

  -- :DynlensExpand (the custom request dynlens/expandTrait) opens a read-only split.
  vim.api.nvim_win_set_cursor(0, { H.find(buf, 'pub trait Greet', 'Greet').line + 1, 12 })
  vim.cmd('DynlensExpand')
  local shown = vim.wait(TIMEOUT, function()
    return vim.api.nvim_get_current_buf() ~= buf
  end, 50)
  if H.check(':DynlensExpand opened a new window', shown) then
    local eb = vim.api.nvim_get_current_buf()
    H.check('expansion buffer holds GreetVtable', H.buffer_text(eb):find('GreetVtable', 1, true) ~= nil)
    H.check('expansion buffer is read-only rust', vim.bo[eb].filetype == 'rust' and not vim.bo[eb].modifiable)
  end
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      H.run(test)
    end)
  end,
})
