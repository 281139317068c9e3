using TbLogger.Tests.Histograms;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Deferred;

using Summaries = TbLogger.Summaries;

/// <summary>
/// AddImageEncoded on the writer's thread (issue 19): the header is read and the bytes copied into a pooled buffer
/// before the call returns; the value is <see cref="Summaries.ImageEncoded"/>'s, errors are its errors, and every copy
/// goes back to its pool exactly once.
/// </summary>
[TestClass]
public sealed class DeferredEncodedImageTests
{
    [TestMethod]
    public void EncodedImagesAreStoredUnchangedAndTheCallerMayReuseItsBuffer()
    {
        byte[] png = PngEncoder.Encode([.. Enumerable.Range(0, 5 * 7 * 3).Select(i => (byte)(i * 3))], 5, 7, 3);
        var expected = Summaries.ImageEncoded("e", png).Value[0].Image;
        Assert.AreEqual((5, 7, 3), (expected.Height, expected.Width, expected.Colorspace));
        var pool = new CountingPool(extraLength: 11, fill: 0xEE);
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan }) { BufferPool = pool })
        {
            for (int step = 0; step < 3; step++)
            {
                byte[] mine = (byte[])png.Clone();
                Assert.IsTrue(writer.AddImageEncoded("e", mine, step));
                Array.Fill(mine, (byte)0);
            }
        }
        var written = GoldenEvents.Written(dir.Path);
        Assert.HasCount(3, written);
        foreach (var (step, _, value) in written)
        {
            Assert.AreEqual(expected, value.Image, $"step {step}");
            CollectionAssert.AreEqual(png, value.Image.EncodedImageString.ToByteArray());
        }
        Assert.AreEqual((3, 3, 0), (pool.Rents, pool.Returns, pool.BadReturns));
    }

    [TestMethod]
    public void UnreadableHeadersThrowTheSynchronousErrorsBeforeAnyCopy()
    {
        var pool = new CountingPool(extraLength: 11, fill: 0xEE);
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path) { BufferPool = pool };
        byte[] png = PngEncoder.Encode([1, 2, 3, 4], 2, 2, 1);
        byte[][] bad = [[], new byte[10], png[..20], [0xFF, 0xD8, 0xFF, 0xD9], [.. png.Take(12), .. new byte[20]]];
        foreach (byte[] bytes in bad)
        {
            var expected = Assert.Throws<ArgumentException>(() => Summaries.ImageEncoded("e", bytes));
            var actual = Assert.Throws<ArgumentException>(() => writer.AddImageEncoded("e", bytes, 0));
            Assert.AreEqual((expected.GetType(), expected.Message, expected.ParamName), (actual.GetType(), actual.Message, actual.ParamName));
            Assert.AreEqual("encoded", actual.ParamName);
        }
        Assert.AreEqual(0, pool.Rents, "a header is read before anything is rented");
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddImageEncoded(" ", png, 0));
        Assert.IsTrue(writer.AddImageEncoded("e", png, 1));
        writer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddImageEncoded("e", png, 2));
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddImageEncoded("e", new byte[10], 2), "bad bytes before a disposed writer");
        Assert.AreEqual((2, 2, 0), (pool.Rents, pool.Returns, pool.BadReturns));
        Assert.HasCount(1, GoldenEvents.Written(dir.Path));
    }
}
