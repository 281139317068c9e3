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

        Assert.AreEqual(12, methods.Length);
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
