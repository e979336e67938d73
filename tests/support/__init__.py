"""What every tier of the tests, and the benchmarks, share: free ports, private processes
(redis-server, psql), bounded waits and the valid answers per step."""
