-- Unique traffic for wrk: no two requests are alike, so no memo of replies can help.
--
--   wrk -t1 -c4 -d8s --latency -s bench/unique.lua http://127.0.0.1:PORT -- iotda
--   wrk -t1 -c4 -d8s --latency -s bench/unique.lua http://127.0.0.1:PORT -- enos
--
-- Every request carries a counter (per wrk thread, and the thread's number) in a
-- value the server must parse and validate: a project id, a device or command id,
-- a marker, an organisation, a job name and description. Around it, the other
-- values vary at random within what the specs allow: task types, statuses,
-- limits, offsets, timeouts, retry policies, devices. A share of the requests is
-- invalid on purpose (a limit of 51, a marker that is not hex, a desc over 100
-- characters, an int32 overflow) so the rejection path is measured too.
--
-- iotda (specs/iotda-v5.yaml): ShowAsyncDeviceCommand (the docs' ids, and ids
-- nothing stores) and ListBatchTasks. enos (specs/enos-connect-v2.5.yaml):
-- createJob with a JSON body and getJob of ids nothing stores.
--
-- done() prints one line the benchmark reads: "unique: requests N distinct N bytes B".

local mode = "iotda"
counter = 0  -- globals: setup() and done() read them through thread:get
thread_no = 0
local token = "contracts-demo-token"

local task_types = {"firmwareUpgrade", "softwareUpgrade", "createDevices", "deleteDevices", "freezeDevices",
                    "unfreezeDevices", "createCommands", "createAsyncCommands", "createMessages",
                    "updateDeviceShadows"}
local statuses = {"Success", "Fail", "Processing", "PartialSuccess", "Stopped", "Waitting", "Initializing",
                  "Stopping"}
local docs_device = "c1224afb-e9f0-4916-8220-b6bab568e888"
local docs_command = "b1224afb-e9f0-4916-8220-b6bab568e888"

local threads = {}
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_no", next_thread)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "iotda"
  math.randomseed(12345 + thread_no)
  wrk.headers["X-Auth-Token"] = token
end

local function pick(list)
  return list[math.random(#list)]
end

-- A unique token: thread and counter, in hex, padded to `width` characters.
local function uid(width)
  return string.format("%0" .. width .. "x", thread_no * 0x10000000 + counter)
end

local function iotda()
  local project = "p" .. uid(10)
  local roll = math.random(100)
  if roll <= 30 then
    return wrk.format("GET", "/v5/iot/" .. project .. "/devices/" .. docs_device .. "/async-commands/" .. docs_command)
  elseif roll <= 45 then
    return wrk.format("GET", "/v5/iot/" .. project .. "/devices/dev-" .. uid(8) .. "/async-commands/cmd-" .. uid(12))
  end
  local query = "task_type=" .. pick(task_types)
  if roll <= 95 then
    query = query .. "&limit=" .. math.random(1, 50)
  else
    query = query .. "&limit=" .. (50 + math.random(1, 100))  -- beyond the documented maximum: a 400
  end
  if math.random(2) == 1 then
    -- 24 hex digits: a random high part and the unique counter below it
    query = query .. "&marker=" .. string.format("%06x", math.random(0, 0xffffff)) .. uid(18)
  end
  if math.random(4) == 1 then
    query = query .. "&status=" .. pick(statuses)
  end
  if math.random(4) == 1 then
    query = query .. "&offset=" .. math.random(0, 20)
  end
  return wrk.format("GET", "/v5/iot/" .. project .. "/batchtasks?" .. query)
end

local function enos()
  local org = "o" .. uid(10)
  local roll = math.random(100)
  if roll <= 25 then
    return wrk.format("GET", "/connect-service/v2.5/commands?action=getJob&orgId=" .. org .. "&jobId=job-" .. uid(12))
  end
  local desc = "job " .. uid(12) .. string.rep("x", math.random(0, 60))
  local in_progress = math.random(1, 900)
  if roll > 95 then
    desc = desc .. string.rep("y", 100)          -- over maxLength 100: a rejection
  elseif roll > 92 then
    in_progress = 2147483648                     -- beyond int32 and the maximum: a rejection
  end
  local devices = {}
  for i = 1, math.random(1, 5) do
    devices[i] = string.format('{"deviceKey":"dev%s%d","productKey":"prod%d"}', uid(6), i, math.random(1, 99))
  end
  local body = string.format(
    '{"timeoutPolicy":{"inProgressTimeoutInSeconds":%d,"ttlTimeoutInSeconds":%d},' ..
    '"retryPolicy":{"enableRetry":%s,"retryCount":%d,"retryIntervalInSeconds":%d},' ..
    '"name":{"defaultValue":"job-%s","i18nValue":{"en_US":"job %s","zh_CN":"任务 %s"}},' ..
    '"schedulePolicy":{"disposableSchedulePolicy":{"triggerTs":%d},"scheduleType":"DISPOSABLE"},' ..
    '"commandInfo":{"commandType":"SERVICE_INVOKE","serviceInvokeInfo":{"inputData":{"input":%d},' ..
    '"serviceId":"service%d"}},"targetScope":{"targetDevices":[%s],"targetType":"DEVICE_LIST"},"desc":"%s"}',
    in_progress, math.random(0, 172800), math.random(2) == 1 and "true" or "false", math.random(1, 10),
    math.random(0, 86400), uid(8), uid(8), uid(8), 1718952446317 + counter, math.random(0, 1000),
    math.random(1, 20), table.concat(devices, ","), desc)
  return wrk.format("POST", "/connect-service/v2.5/commands?action=createJob&orgId=" .. org,
                    {["Content-Type"] = "application/json"}, body)
end

function request()
  counter = counter + 1
  if mode == "enos" then
    return enos()
  end
  return iotda()
end

function done(summary, latency, requests)
  -- every request carried its thread's number and a counter that never repeats: all distinct
  local sent = 0
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get("counter") or 0)
  end
  io.write(string.format("unique: requests %d distinct %d bytes %d\n", summary.requests, sent, summary.bytes))
end
