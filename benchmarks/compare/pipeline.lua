-- wrk script for ci/compare --workload http --pipeline: every write carries 16
-- keep-alive GET / requests. wrk counts the requests in the string request()
-- returns and waits for as many responses before it writes the next batch;
-- each response counts as one request in its figures.
local depth = 16

function init(args)
   batch = string.rep(wrk.format("GET", "/"), depth)
end

function request()
   return batch
end
