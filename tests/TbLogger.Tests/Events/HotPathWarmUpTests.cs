using System.Reflection;

namespace TbLogger.Tests.Events;

/// <summary>
/// The per-scalar methods a process's first writer compiles on a background thread when it runs the plain assembly
/// (issue 19: a short run's start). The list names private methods by string, so these tests are what catches a rename.
/// </summary>
[TestClass]
public sealed class HotPathWarmUpTests
{
    [TestMethod]
    public void The_warm_up_finds_every_method_it_names()
    {
        MethodInfo?[] methods = HotPath.ScalarMethods();

        Assert.AreEqual(14, methods.Length);
        for (int i = 0; i < methods.Length; i++)
        {
            Assert.IsNotNull(methods[i], $"method {i} of HotPath.ScalarMethods was not found: renamed or its parameters changed?");
        }
        CollectionAssert.AllItemsAreUnique(methods);
    }

    [TestMethod]
    public void A_writing_summary_writer_starts_it_once_per_process()
    {
        // Other tests' writers may have started it already; two more must not start another.
        using var dir = new Support.TempDirectory();
        using (new SummaryWriter(Path.Combine(dir.Path, "a")))
        using (new SummaryWriter(Path.Combine(dir.Path, "b")))
        {
        }
        int expected = Environment.ProcessorCount >= 2 && System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled ? 1 : 0;
        Assert.AreEqual(expected, HotPath.WarmUpsStarted);
    }

    [TestMethod]
    [DataRow(null, DisplayName = "default tiering")]
    [DataRow("DOTNET_TieredPGO=0", DisplayName = "without profile-guided optimisation")]
    public async Task After_it_a_fresh_process_logging_scalars_compiles_nothing_of_TbLogger(string? setting)
    {
        // In a fresh process (this one compiled everything long ago): the warm-up's own work done, then a writer with
        // the default options built, 10,000 scalars logged (every AddScalar overload, with and without a wall time)
        // and flushed while a listener takes the runtime's JIT events. The child prints each TbLogger method first
        // compiled optimised in that window (a method of the scalar path missing from the list), and each promoted by
        // tiering since the listener started (tier-0 code called 30 times or more: with no call-counting delay, a hot
        // method left unoptimised, such as a small helper the optimised code calls instead of inlining). The runtime's
        // own settings are pinned: the test's environment must not decide what it checks.
        if (typeof(SummaryWriter).Assembly.GetCustomAttribute<System.Diagnostics.DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
        {
            // A Debug build's methods are compiled once, unoptimised, and never tiered: nothing here could fail.
            Assert.Inconclusive("Checks what optimised code compiles: run it on a Release build (`dotnet test -c Release`; CI does).");
        }
        using var dir = new Support.TempDirectory();
        (string, string)[] settings = setting?.Split('=') is [string name, string value]
            ? [("DOTNET_TC_CallCountingDelayMs", "0"), (name, value)]
            : [("DOTNET_TC_CallCountingDelayMs", "0")];

        string output = await Support.FreshProcess.CrashWriterAsync("jit-scalars", dir.Path, TimeSpan.FromSeconds(120), settings);

        Assert.AreEqual("records True\ndone", output);
    }

    [TestMethod]
    public void Every_method_it_compiles_is_one_the_scalar_path_compiles_optimised_from_its_first_call()
    {
        // Without the ReadyToRun image (this test's build), HotPath.Options is AggressiveOptimization: the warm-up then
        // compiles what the first scalar would, no tier-0 code that tiering would compile a second time.
        foreach (MethodInfo? method in HotPath.ScalarMethods())
        {
            Assert.IsTrue(method!.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization), $"{method.DeclaringType!.Name}.{method.Name}");
        }
    }
}
