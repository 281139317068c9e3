using System.Reflection;
using BenchmarkDotNet.Running;
using TbLogger.Benchmarks.Quick;

// `--quick [filter]`: every IQuickBenchmark in this assembly, figures as ratios measured in this run (under 2 minutes).
// Anything else goes to BenchmarkDotNet's switcher, e.g. `-- --filter *AddScalar*` for MemoryDiagnoser figures.
// The writer group's short-run child: a fresh process that logs 200k scalars and prints ns per scalar.
if (args.Length == 2 && args[0] == TbLogger.Benchmarks.Writer.WriterQuickBenchmark.ShortRunChildArgument)
{
    return TbLogger.Benchmarks.Writer.WriterQuickBenchmark.ShortRunChild(args[1]);
}
// The Parquet group's export child: a fresh process whose working set is the export's alone.
if (args.Length == 3 && args[0] == TbLogger.Benchmarks.Parquet.ParquetQuickBenchmark.ExportChildArgument)
{
    return TbLogger.Benchmarks.Parquet.ParquetQuickBenchmark.ExportChild(args[1], args[2]);
}
if (args.Length > 0 && args[0] == "--quick")
{
    string? filter = args.Length > 1 ? args[1] : null;
    if (filter is null)
    {
        // Each group in a process of its own: JIT tiering and GC state left by one group (large images, a million
        // events) otherwise move the next group's figures by several times.
        string self = typeof(Program).Assembly.Location;
        foreach (var name in typeof(Program).Assembly.GetTypes()
                     .Where(t => typeof(IQuickBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                     .Select(t => ((IQuickBenchmark)Activator.CreateInstance(t)!).Name)
                     .Order(StringComparer.Ordinal))
        {
            using var child = System.Diagnostics.Process.Start("dotnet", [self, "--quick", name])!;
            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                return child.ExitCode;
            }
        }
        return 0;
    }
    var report = new QuickReport();
    var benchmarks = typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(IQuickBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .Select(t => (IQuickBenchmark)Activator.CreateInstance(t)!)
        .Where(b => filter is null || b.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
        .OrderBy(b => b.Name, StringComparer.Ordinal);
    foreach (var benchmark in benchmarks)
    {
        report.CurrentGroup = benchmark.Name;
        Console.WriteLine($"== {benchmark.Name}");
        benchmark.Run(report);
    }
    return 0;
}

BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;

/// <summary>Entry point type, named so reflection above can find this assembly.</summary>
public partial class Program;
