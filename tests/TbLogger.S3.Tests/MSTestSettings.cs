// Every test class shares one local S3 server per class; classes run in parallel, tests within a class in order.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel)]
