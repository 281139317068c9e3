using TbLogger.Tests.Support;

namespace TbLogger.Tests.Storage;

/// <summary>Launcher variables: every test changes the process environment, so none runs alongside other tests.</summary>
[TestClass]
public sealed class DistributedEnvironmentTests
{
    private static readonly string[] s_names =
    [
        "RANK", "WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE", "SLURM_PROCID", "SLURM_NTASKS",
    ];

    private static void With(Action test, params (string Name, string? Value)[] variables)
    {
        var saved = s_names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (string name in s_names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
            test();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [TestMethod]
    [DoNotParallelize]
    public void Explicit_rank_and_world_size_never_read_the_environment()
    {
        With(() =>
        {
            Assert.AreEqual((1, 2), new SummaryWriterOptions { Rank = 1, WorldSize = 2 }.ResolveRank());
            Assert.AreEqual((0, 3), new SummaryWriterOptions { WorldSize = 3 }.ResolveRank());
            var ex = Assert.ThrowsExactly<InvalidOperationException>(() => new SummaryWriterOptions().ResolveRank());
            StringAssert.Contains(ex.Message, "RANK='two'");
        }, ("RANK", "two"), ("WORLD_SIZE", "4"));
    }

    [TestMethod]
    [DoNotParallelize]
    public void Valid_pairs_are_read_in_launcher_order()
    {
        With(() =>
        {
            Assert.IsTrue(DistributedEnvironment.TryRead(out int rank, out int size));
            Assert.AreEqual((2, 4), (rank, size));
        }, ("RANK", "2"), ("WORLD_SIZE", "4"), ("SLURM_PROCID", "7"), ("SLURM_NTASKS", "8"));
        With(() =>
        {
            Assert.IsTrue(DistributedEnvironment.TryRead(out int rank, out int size));
            Assert.AreEqual((3, 8), (rank, size));
        }, ("OMPI_COMM_WORLD_RANK", " 3"), ("OMPI_COMM_WORLD_SIZE", "8\n"));
        With(() =>
        {
            Assert.IsFalse(DistributedEnvironment.TryRead(out int rank, out int size));
            Assert.AreEqual((0, 1), (rank, size));
        });
    }

    [TestMethod]
    [DoNotParallelize]
    public void A_malformed_variable_is_an_error_naming_it_not_a_silent_rank_zero()
    {
        // Silently falling back to rank 0 of 1 would make every process of the job write as rank 0.
        With(() =>
        {
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => DistributedEnvironment.TryRead(out _, out _));
            StringAssert.Contains(error.Message, "RANK='two'");
        }, ("RANK", "two"), ("WORLD_SIZE", "4"));
        With(() =>
        {
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => DistributedEnvironment.TryRead(out _, out _));
            StringAssert.Contains(error.Message, "SLURM_NTASKS='0'");
        }, ("SLURM_PROCID", "0"), ("SLURM_NTASKS", "0"));
        With(() =>
        {
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => DistributedEnvironment.TryRead(out _, out _));
            StringAssert.Contains(error.Message, "OMPI_COMM_WORLD_RANK='4'");
            StringAssert.Contains(error.Message, "OMPI_COMM_WORLD_SIZE='4'");
        }, ("OMPI_COMM_WORLD_RANK", "4"), ("OMPI_COMM_WORLD_SIZE", "4"));
        With(() =>
        {
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => DistributedEnvironment.TryRead(out _, out _));
            StringAssert.Contains(error.Message, "PMI_RANK='-1'");
        }, ("PMI_RANK", "-1"), ("PMI_SIZE", "2"));
        With(() =>
        {
            using var temp = new TempDirectory();
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => new SummaryWriter(temp.Path));
            StringAssert.Contains(error.Message, "WORLD_SIZE='99999999999'");
        }, ("RANK", "0"), ("WORLD_SIZE", "99999999999"));
    }
}
