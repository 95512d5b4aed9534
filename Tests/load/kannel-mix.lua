-- wrk script: Kannel get-url requests, a realistic mix of texts from 10,000 numbers (so the per-sender limit is
-- exercised, not tripped), with accents, typos, follow-ups and menu replies. Non-2xx answers are counted by wrk.
local texts = {
  "PELIGROS+TENOSIQUE", "peligors+tijuan", "AYUDA", "hola", "2", "MAS", "gracias", "SOS", "DROITS", "ASYLUM",
  "informaci%C3%B3n+asilo", "albergue+en+tapachula", "necesito+ayuda+legal", "where+is+a+safe+place+to+sleep",
  "j%27ai+besoin+d%27un+m%C3%A9decin", "%C2%BFd%C3%B3nde+hay+grupo+beta%3F", "derechos", "nos+robaron+todo",
  "danger%3Areynosa", "ruta+del+golfo",
}
-- The sequence repeats every 10,000 requests; it is formatted once per wrk thread, so wrk spends its CPU (on the
-- same cores as the server) sending requests, not building them, as it does for the static /healthz request.
local requests = {}
for counter = 1, 10000 do
  local n = 5215550000 + (counter * 7919) % 10000
  local t = texts[(counter % #texts) + 1]
  requests[counter] = wrk.format("GET", "/channels/kannel?from=%2B" .. n .. "&to=5555&text=" .. t .. "&coding=0&charset=UTF-8")
end
local counter = 0
request = function()
  counter = counter % #requests + 1
  return requests[counter]
end
