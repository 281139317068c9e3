using TbLogger.Tests.Histograms;
using TbLogger.Tests.Support;
using TbLogger.Tests.Video;

namespace TbLogger.Tests.Deferred;

using Summaries = TbLogger.Summaries;

/// <summary>
/// AddVideo on the writer's thread (issue 19): the caller checks the shape and copies the frames (checking floats for
/// NaN in the same pass) into a pooled buffer; conversion, tiling and GIF encoding follow on the worker. The GIF is the
/// synchronous function's, the caller may reuse its buffer at once, errors are unchanged and every copy goes back once.
/// </summary>
[TestClass]
public sealed class DeferredVideoTests
{
    private static float[] FloatFrames(int length) => [.. Enumerable.Range(0, length).Select(i => (i * 7 % 13) / 12f)];

    [TestMethod]
    public void VideosAreTheSynchronousGifsAndTheCallerMayOverwriteItsFramesAtOnce()
    {
        var byteShape = VideoShape.Ntchw(5, 2, 3, 4, 6);
        var floatShape = VideoShape.Nthwc(3, 4, 5, 7, 3);
        var expectedBytes = Summaries.Video("vb", VideoSummaryTests.Pattern(5, 2, 3, 4, 6), byteShape, fps: 10).Value[0].Image;
        var expectedFloats = Summaries.Video("vf", FloatFrames(floatShape.ElementCount is var n ? (int)n : 0), floatShape).Value[0].Image;
        var pool = new CountingPool(extraLength: 5);
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan }) { BufferPool = pool })
        {
            for (int step = 0; step < 3; step++)
            {
                byte[] bytes = VideoSummaryTests.Pattern(5, 2, 3, 4, 6);
                Assert.IsTrue(writer.AddVideo("vb", bytes, byteShape, step, fps: 10));
                Array.Fill(bytes, (byte)9);
                float[] floats = FloatFrames((int)floatShape.ElementCount);
                Assert.IsTrue(writer.AddVideo("vf", floats, floatShape, step));
                Array.Fill(floats, 0.25f);
            }
        }
        var written = GoldenEvents.Written(dir.Path);
        CollectionAssert.AreEqual(new[] { "vb", "vf", "vb", "vf", "vb", "vf" }, written.Select(w => w.Value.Tag).ToArray());
        foreach (var (step, _, value) in written)
        {
            Assert.AreEqual(value.Tag == "vb" ? expectedBytes : expectedFloats, value.Image, $"{value.Tag} at step {step}");
        }
        Assert.AreEqual((6, 6, 0), (pool.Rents, pool.Returns, pool.BadReturns));
    }

    [TestMethod]
    public void BadFramesThrowOnTheCallerAsTheSynchronousPathDoesAndTheirCopiesGoBack()
    {
        var pool = new CountingPool(extraLength: 5);
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path) { BufferPool = pool };
        int cases = 0;
        // NaN at the edges of the vectors (8 floats), of the unrolled step (16) and in the scalar tail, in both layouts.
        foreach (var shape in new[] { VideoShape.Ntchw(1, 3, 1, 3, 11), VideoShape.Nthwc(2, 1, 4, 3, 3) })
        {
            int length = (int)shape.ElementCount;
            foreach (int at in new[] { 0, 7, 8, 15, 16, 17, 31, 32, length - 2, length - 1 }.Where(i => i < length).Distinct())
            {
                float[] frames = FloatFrames(length);
                frames[at] = float.NaN;
                frames[length - 1 - at] = at == length - 1 - at ? float.NaN : -float.NaN; // a second NaN after the first or before it
                var expected = Assert.ThrowsExactly<ArgumentException>(() => Summaries.Video("v", frames, shape));
                var actual = Assert.ThrowsExactly<ArgumentException>(() => writer.AddVideo("v", frames, shape, 0));
                Assert.AreEqual(expected.Message, actual.Message, $"{shape}, NaN at {at}");
                Assert.AreEqual("frames", actual.ParamName);
                StringAssert.Contains(actual.Message, $"value {Math.Min(at, length - 1 - at)} is NaN");
                cases++;
            }
        }
        Assert.AreEqual(20, cases);
        // Shape errors come before any copy is rented.
        int rentsBefore = pool.Rents;
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddVideo("v", new byte[10], VideoShape.Ntchw(1, 2, 3, 2, 2), 0));
        Assert.AreEqual(rentsBefore, pool.Rents);
        writer.AddVideo("v", new byte[12], VideoShape.Ntchw(1, 1, 3, 2, 2), 1);
        writer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddVideo("v", new byte[12], VideoShape.Ntchw(1, 1, 3, 2, 2), 2));
        // A NaN is still reported before a disposed writer, as when the caller converted the frames.
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddVideo("v", [float.NaN], VideoShape.Ntchw(1, 1, 1, 1, 1), 2));
        Assert.AreEqual((pool.Rents, 0), (pool.Returns, pool.BadReturns), "every copy back exactly once");
        Assert.AreEqual(cases + 3, pool.Rents);
        Assert.HasCount(1, GoldenEvents.Written(dir.Path));
    }

    [TestMethod]
    public void FloatVideosTooLargeForOneCopyAreConvertedOnTheCallerAndStillWritten()
    {
        // A valid float video of more than Array.MaxLength / 4 values cannot be one pooled copy (4 bytes a value),
        // though it fits as bytes: it takes the path of before issue 19. Reached here with a small limit.
        var shape = VideoShape.Nthwc(3, 4, 5, 7, 3);
        float[] frames = FloatFrames((int)shape.ElementCount);
        var expected = Summaries.Video("vf", frames, shape, fps: 8).Value[0].Image;
        var pool = new CountingPool(extraLength: 5);
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan }) { BufferPool = pool };
        long limit = frames.Length * sizeof(float) - 1;
        Assert.IsTrue(writer.AddVideo("vf", frames, shape, 4, fps: 8, wallTime: null, maxDeferredBytes: limit));
        Array.Fill(frames, 0.5f); // converted before the call returned
        frames[9] = float.NaN;
        var expectedError = Assert.ThrowsExactly<ArgumentException>(() => Summaries.Video("vf", frames, shape));
        var error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddVideo("vf", frames, shape, 5, fps: 8, wallTime: null, maxDeferredBytes: limit));
        Assert.AreEqual(expectedError.Message, error.Message);
        Assert.AreEqual("frames", error.ParamName);
        writer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddVideo("vf", FloatFrames(frames.Length), shape, 6, fps: 8, wallTime: null, maxDeferredBytes: limit));
        var written = GoldenEvents.Written(dir.Path);
        Assert.HasCount(1, written);
        Assert.AreEqual(4L, written[0].Step);
        Assert.AreEqual(expected, written[0].Value.Image);
        Assert.AreEqual(0, pool.Rents, "nothing was copied into the pool");
    }
}
