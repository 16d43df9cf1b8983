-- wrk script for scripts/benchmark.sh.
--
--   wrk ... -s requests.lua URL -- get
--   wrk ... -s requests.lua URL -- post PREFIX [BUDGET]
--
-- get:  GET /health; 200 is the expected status.
-- post: POST /tasks with a repository name that no other request of the run uses
--       ("PREFIX-t<thread>-<counter>"), so that no request is deduplicated; 202 is expected.
--       With BUDGET > 0 each thread stops once it has counted BUDGET responses of 202.
--
-- Every response is counted; done() prints one line that benchmark.sh parses:
--   lua: expected=202 ok=N other=M statuses=STATUS:COUNT,...
-- where `other` counts every response whose status is not the expected one.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_id", #threads)
end

-- Globals, so that done() can read them with thread:get().
ok = 0
other = 0
statuses = {}

local mode = "get"
local prefix = "bench"
local budget = 0
local counter = 0
local stopped = false
local get_request = nil
local post_headers = { ["Content-Type"] = "application/json" }

function init(args)
    mode = args[1] or "get"
    prefix = args[2] or "bench"
    budget = tonumber(args[3] or "0") or 0
    if mode == "get" then
        expected = 200
        get_request = wrk.format("GET", "/health")
    elseif mode == "post" then
        expected = 202
    else
        error("requests.lua: mode must be get or post, got " .. tostring(mode))
    end
end

function request()
    if mode == "get" then
        return get_request
    end
    counter = counter + 1
    -- Letters, digits, '-' only: a valid GitHub repository name, far below 100 characters.
    local body = string.format('{"username":"hookme-bench","repository":"%s-t%d-%d"}',
                               prefix, thread_id, counter)
    return wrk.format("POST", "/tasks", post_headers, body)
end

function response(status, headers, body)
    if status == expected then
        ok = ok + 1
    else
        other = other + 1
        local key = tostring(status)
        statuses[key] = (statuses[key] or 0) + 1
    end
    if budget > 0 and not stopped and ok >= budget then
        stopped = true
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local total_ok, total_other, merged = 0, 0, {}
    local expected_status = 0
    for _, thread in ipairs(threads) do
        total_ok = total_ok + (thread:get("ok") or 0)
        total_other = total_other + (thread:get("other") or 0)
        expected_status = thread:get("expected") or expected_status
        for status, count in pairs(thread:get("statuses") or {}) do
            merged[status] = (merged[status] or 0) + count
        end
    end
    local parts = {}
    for status, count in pairs(merged) do
        table.insert(parts, status .. ":" .. count)
    end
    table.sort(parts)
    io.write(string.format("lua: expected=%d ok=%d other=%d statuses=%s\n", expected_status,
                           total_ok, total_other, #parts > 0 and table.concat(parts, ",") or "-"))
end
