// Test classes share one Azurite per class (outage tests start their own); classes run in parallel, tests within a class in order.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel)]
