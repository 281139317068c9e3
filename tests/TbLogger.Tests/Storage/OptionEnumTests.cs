using TbLogger.Events;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Storage;

/// <summary>
/// The writer checks its enum options against lists of their members (not Enum.IsDefined, whose reflection a fresh
/// process pays for: issue 19). Every member is accepted, so a member added later and left off a list fails here.
/// </summary>
[TestClass]
public sealed class OptionEnumTests
{
    [TestMethod]
    public void EveryDefinedValueIsAccepted()
    {
        using var temp = new TempDirectory();
        int writers = 0;
        var settings = from encoding in Enum.GetValues<ScalarEncoding>()
                       from discipline in Enum.GetValues<StepDiscipline>()
                       from full in Enum.GetValues<QueueFullMode>()
                       select new SummaryWriterOptions { ScalarEncoding = encoding, StepDiscipline = discipline, QueueFullMode = full };
        var ranks = from policy in Enum.GetValues<RankPolicy>()
                    from layout in Enum.GetValues<RankLayout>()
                    select new SummaryWriterOptions { RankPolicy = policy, RankLayout = layout, Rank = 0, WorldSize = 2 };
        foreach (var options in settings.Concat(ranks))
        {
            using var writer = new SummaryWriter(temp.Combine($"w{writers++}"), options);
            Assert.IsTrue(writer.AddScalar("x", 1.0, 1));
        }
        Assert.AreEqual((3 * 3 * 2) + (2 * 2), writers);
    }

    [TestMethod]
    public void UndefinedValuesAreRejectedNamingTheSetting()
    {
        using var temp = new TempDirectory();
        AssertRejected("ScalarEncoding", "Unknown scalar encoding.", (ScalarEncoding)3, new SummaryWriterOptions { ScalarEncoding = (ScalarEncoding)3 });
        AssertRejected("ScalarEncoding", "Unknown scalar encoding.", (ScalarEncoding)(-1), new SummaryWriterOptions { ScalarEncoding = (ScalarEncoding)(-1) });
        AssertRejected("StepDiscipline", "Unknown step discipline.", (StepDiscipline)3, new SummaryWriterOptions { StepDiscipline = (StepDiscipline)3 });
        AssertRejected("QueueFullMode", "Unknown queue mode.", (QueueFullMode)2, new SummaryWriterOptions { QueueFullMode = (QueueFullMode)2 });
        AssertRejected("options", "Unknown RankPolicy.", (RankPolicy)2, new SummaryWriterOptions { RankPolicy = (RankPolicy)2 });
        AssertRejected("options", "Unknown RankLayout.", (RankLayout)(-3),
            new SummaryWriterOptions { RankPolicy = RankPolicy.AllRanks, Rank = 0, WorldSize = 2, RankLayout = (RankLayout)(-3) });
        // Nothing was created for a rejected writer.
        Assert.IsEmpty(Directory.GetFileSystemEntries(temp.Path));

        void AssertRejected(string parameter, string message, object value, SummaryWriterOptions options)
        {
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SummaryWriter(temp.Combine("run"), options));
            Assert.AreEqual(parameter, ex.ParamName);
            Assert.AreEqual(value, ex.ActualValue);
            StringAssert.StartsWith(ex.Message, message);
        }
    }
}
