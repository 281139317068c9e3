using TbLogger.Reading;

namespace TbLogger.Tests.Reading;

[TestClass]
public sealed class TagFilterTests
{
    [TestMethod]
    public void ParseMixesExactGlobAndRegex()
    {
        var filter = TagFilter.Parse("train/loss, val/*");
        Assert.IsTrue(filter.IsMatch("train/loss"));
        Assert.IsTrue(filter.IsMatch("val/acc/top5"));
        Assert.IsFalse(filter.IsMatch("train/lossy"));
        var regex = TagFilter.Parse("re:^(a|b),c$");
        Assert.IsTrue(regex.IsMatch("a,c"));
        Assert.IsFalse(regex.IsMatch("a"));
        Assert.IsTrue(TagFilter.Glob("l?ss").IsMatch("loss"));
        Assert.IsTrue(TagFilter.Regex("acc").IsMatch("train/accuracy"));
    }

    [TestMethod]
    public void BadRegexAndEmptyListAreReported()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => TagFilter.Parse("re:(unclosed"));
        StringAssert.StartsWith(ex.Message, "Invalid regular expression '(unclosed'");
        Assert.ThrowsExactly<ArgumentException>(() => TagFilter.Parse(" , "));
    }

    [TestMethod]
    public void StepRangesParseAndCheck()
    {
        Assert.AreEqual(new StepRange(10, 20), StepRange.Parse("10:20"));
        Assert.AreEqual(new StepRange(null, 5), StepRange.Parse(":5"));
        Assert.AreEqual(new StepRange(7, null), StepRange.Parse("7:"));
        Assert.AreEqual(new StepRange(3, 3), StepRange.Parse("3"));
        Assert.IsTrue(StepRange.Parse("10:20").Contains(20));
        Assert.IsFalse(StepRange.Parse("10:20").Contains(21));
        Assert.AreEqual("Step range '5:1': the start is after the end.", Assert.ThrowsExactly<FormatException>(() => StepRange.Parse("5:1")).Message);
        Assert.AreEqual("Step range 'a:b' is not of the form a:b with integer steps.", Assert.ThrowsExactly<FormatException>(() => StepRange.Parse("a:b")).Message);
    }
}
