-- Shared by the headless Neovim tests: records checks, writes them as JSON to $DYNLENS_RESULT,
-- and exits with 0 (all passed) or 1. Works on Neovim 0.7 and later.
local H = { checks = {}, data = {}, failed = false }

function H.log(msg)
  io.stderr:write('[nvim-test] ' .. msg .. '\n')
end

--- Records a check; `ok` false marks the run failed.
function H.check(name, ok, detail)
  table.insert(H.checks, { name = name, ok = ok and true or false, detail = detail or '' })
  if not ok then
    H.failed = true
  end
  H.log((ok and 'PASS ' or 'FAIL ') .. name .. (detail and detail ~= '' and (': ' .. detail) or ''))
  return ok
end

function H.finish()
  local out = os.getenv('DYNLENS_RESULT')
  if out then
    local f = io.open(out, 'w')
    if f then
      f:write(vim.fn.json_encode({ ok = not H.failed, checks = H.checks, data = H.data, version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) }))
      f:close()
    end
  end
  if H.failed then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

--- Runs `fn` and turns an error into a failed check; then finishes.
function H.run(fn)
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    H.check('test script ran without error', false, tostring(err))
  end
  H.finish()
end

--- 0-based line and UTF-16 column of the first occurrence of `word` on the first line that
--- contains `line_pattern` (plain text).
function H.find(bufnr, line_pattern, word)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i, line in ipairs(lines) do
    if line:find(line_pattern, 1, true) then
      local col = line:find(word, 1, true)
      if col then
        return { line = i - 1, character = col - 1 }
      end
    end
  end
  error(('"%s" not found on a line containing "%s"'):format(word, line_pattern))
end

--- Text of a hover result (MarkupContent, MarkedString or a list of them).
function H.hover_text(result)
  if type(result) ~= 'table' then
    return ''
  end
  local c = result.contents
  if type(c) == 'string' then
    return c
  end
  if c.value then
    return c.value
  end
  local parts = {}
  for _, item in ipairs(c) do
    table.insert(parts, type(item) == 'string' and item or (item.value or ''))
  end
  return table.concat(parts, '\n')
end

function H.buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

--- First response of client `name` among buf_request_sync results, or nil and a reason.
function H.response_of(responses, client_id)
  if not responses then
    return nil, 'no response (timeout)'
  end
  local r = responses[client_id]
  if not r then
    return nil, 'no response from the dynlens client'
  end
  if r.err or r.error then
    return nil, vim.inspect(r.err or r.error)
  end
  return r.result
end

return H
