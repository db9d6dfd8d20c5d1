-- wrk prints the 50th, 75th, 90th and 99th latency percentiles; the benchmark reports the 95th too.
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("PCT%d %d\n", p, latency:percentile(p)))
  end
end
