using TbLogger.Projector;
using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp.Tests;

// Every tensor overload is held to the span overload on the same numbers: identical event bytes.
[TestClass]
public sealed class SummaryWriterTensorTests
{
    private static readonly DateTimeOffset T = Logged.Time;

    private static float[] Ramp(int n, float scale = 0.37f) => Enumerable.Range(0, n).Select(i => (i - n / 3) * scale).ToArray();

    [TestMethod]
    public void ATensorChangedInPlaceRightAfterTheCallDoesNotChangeWhatIsWritten()
    {
        // Contiguous CPU float32 tensors are read in place, and histograms, PR curves, images and audio are built later
        // on the writer's thread (issue 19): the span overloads copy before returning, so an in-place update the
        // training loop makes next (an optimizer step) cannot reach the file. Twenty rounds, each mutated at once.
        float[] values = Ramp(20_000, 0.001f);
        float[] predictions = Enumerable.Range(0, 4_000).Select(i => (i % 97) / 97f).ToArray();
        bool[] labels = Enumerable.Range(0, 4_000).Select(i => i % 3 == 0).ToArray();
        float[] image = Enumerable.Range(0, 3 * 32 * 32).Select(i => (i % 251) / 251f).ToArray();
        float[] audio = Enumerable.Range(0, 16_000).Select(i => MathF.Sin(i * 0.02f) * 0.9f).ToArray();
        const int rounds = 20;
        var expected = Logged.Bytes(w =>
        {
            for (int step = 0; step < rounds; step++)
            {
                w.AddHistogram("h", values.AsSpan(), step, default, T);
                w.AddPrCurve("p", labels, predictions, step, 127, default, T);
                w.AddImage("i", image, ImageShape.Chw(3, 32, 32), step, T);
                w.AddAudio("a", audio, 8000, step, T);
            }
        });
        var actual = Logged.Bytes(w =>
        {
            for (int step = 0; step < rounds; step++)
            {
                using var h = torch.tensor(values);
                using var p = torch.tensor(predictions);
                using var l = torch.tensor(labels);
                using var i = torch.tensor(image, [3, 32, 32]);
                using var a = torch.tensor(audio);
                w.AddHistogram("h", h, step, default, T);
                h.mul_(-3).add_(1);
                w.AddPrCurve("p", l, p, step, 127, null, T);
                p.fill_(0.5f);
                l.fill_(true);
                w.AddImage("i", i, step, "CHW", T);
                i.fill_(0f);
                w.AddAudio("a", a, 8000, step, T);
                a.fill_(-1f);
            }
        });
        Assert.AreEqual(4 * rounds, actual.Count);
        CollectionAssert.AreEqual(expected, actual);
    }

    [TestMethod]
    public void HistogramOfContiguousFloat32EqualsTheSpanOverload()
    {
        float[] data = Ramp(1000);
        using var t = torch.tensor(data);
        CollectionAssert.AreEqual(
            Logged.Bytes(w => w.AddHistogram("h", data.AsSpan(), 3, default, T)),
            Logged.Bytes(w => w.AddHistogram("h", t, 3, default, T)));
    }

    [TestMethod]
    public void HistogramReadsFloat64Int64AndInt32AsDoubles()
    {
        double[] d = [1e-3, 2.5, -7, 1e10, 0];
        long[] l = [1, 2, 3, 1L << 40, -5];
        int[] i = [4, -9, 0, 12];
        using var td = torch.tensor(d);
        using var tl = torch.tensor(l);
        using var ti = torch.tensor(i);
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", d.AsSpan(), 1, default, T)), Logged.Bytes(w => w.AddHistogram("h", td, 1, default, T)));
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", l.Select(x => (double)x).ToArray().AsSpan(), 1, default, T)), Logged.Bytes(w => w.AddHistogram("h", tl, 1, default, T)));
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", i.Select(x => (double)x).ToArray().AsSpan(), 1, default, T)), Logged.Bytes(w => w.AddHistogram("h", ti, 1, default, T)));
    }

    [TestMethod]
    public void HistogramOfHalfBFloatUInt8AndBoolConvertsExactly()
    {
        // Values every one of these dtypes holds exactly.
        float[] data = [0.5f, 1.25f, -2f, 3f, 0f, 96f];
        foreach (var dtype in new[] { ScalarType.Float16, ScalarType.BFloat16 })
        {
            using var t = torch.tensor(data).to_type(dtype);
            CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", data.AsSpan(), 1, default, T)), Logged.Bytes(w => w.AddHistogram("h", t, 1, default, T)), dtype.ToString());
        }
        byte[] bytes = [0, 7, 255, 3];
        using var tb = torch.tensor(bytes);
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", bytes.Select(b => (float)b).ToArray().AsSpan(), 1, default, T)), Logged.Bytes(w => w.AddHistogram("h", tb, 1, default, T)));
        using var tbool = torch.tensor(new[] { true, false, true });
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", new float[] { 1, 0, 1 }.AsSpan(), 1, default, T)), Logged.Bytes(w => w.AddHistogram("h", tbool, 1, default, T)));
    }

    [TestMethod]
    public void HistogramOfANonContiguousViewReadsItsLogicalOrder()
    {
        float[] data = Ramp(12);
        using var m = torch.tensor(data, [3, 4]);
        using var view = m.t(); // [4, 3], strides (1, 4)
        Assert.IsFalse(view.is_contiguous());
        var transposed = new float[12];
        for (int r = 0; r < 4; r++) for (int c = 0; c < 3; c++) transposed[r * 3 + c] = data[c * 4 + r];
        // Bucket counts do not depend on order; the non-finite count and sum do not either, so compare with the transposed span.
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", transposed.AsSpan(), 2, default, T)), Logged.Bytes(w => w.AddHistogram("h", view, 2, default, T)));
        using var strided = torch.tensor(Ramp(20)).slice(0, 1, 20, 3); // every third element
        float[] every = Ramp(20).Where((_, k) => k >= 1 && (k - 1) % 3 == 0).ToArray();
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", every.AsSpan(), 2, default, T)), Logged.Bytes(w => w.AddHistogram("h", strided, 2, default, T)));
    }

    [TestMethod]
    public void AContiguousViewWithAStorageOffsetIsReadFromItsFirstElement()
    {
        float[] data = Ramp(10);
        using var all = torch.tensor(data);
        using var middle = all.narrow(0, 3, 4); // contiguous, storage offset 3
        Assert.IsTrue(middle.is_contiguous());
        Assert.AreEqual(3L, middle.storage_offset());
        using (var v = TensorRead.Values<float>(middle, ScalarType.Float32, "middle"))
        {
            Assert.IsFalse(v.IsCopy);
            CollectionAssert.AreEqual(data[3..7], v.Span.ToArray());
        }
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddHistogram("h", data.AsSpan(3, 4), 1, default, T)), Logged.Bytes(w => w.AddHistogram("h", middle, 1, default, T)));
    }

    [TestMethod]
    public void EmptyNaNAndMismatchedInputsGetTheCoresErrors()
    {
        using var nan = torch.tensor(new float[] { 0.5f, float.NaN, 0.25f, 0.75f }, [1, 2, 2]);
        Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddImage("i", nan, 0)));
        using var labels = torch.tensor(new[] { true, false });
        using var preds = torch.tensor(new float[] { 0.2f, 0.8f });
        using var weights = torch.tensor(new float[] { 1, 1, 1 });
        var e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddPrCurve("p", labels, preds, 0, weights: weights)));
        Assert.AreEqual("weights", e.ParamName);
        using var badLabels = torch.tensor(new float[] { 0.5f, 1 });
        Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddPrCurve("p", badLabels, preds, 0)));
        using var empty = torch.zeros(0, 3);
        using var emptyAudio = torch.zeros(0);
        Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddAudio("a", emptyAudio, 8000, 0)));
        Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddImage("i", empty, 0, "HW")));
    }

    [TestMethod]
    public void ContiguousCpuFloat32IsReadInPlaceAndOtherTensorsThroughACopy()
    {
        using var t = torch.tensor(new float[] { 1, 2, 3, 4 });
        using (var v = TensorRead.Values<float>(t, ScalarType.Float32, "t"))
        {
            Assert.IsFalse(v.IsCopy);
            t[2] = torch.tensor(42f); // write through the tensor: the span sees it, so it is the same memory
            Assert.AreEqual(42f, v.Span[2]);
        }
        using var img = torch.zeros([2, 2], ScalarType.Byte);
        using (var b = TensorRead.Values<byte>(img, ScalarType.Byte, "img")) Assert.IsFalse(b.IsCopy);
        using var d = torch.tensor(new double[] { 1, 2 });
        using (var c = TensorRead.Values<float>(d, ScalarType.Float32, "d"))
        {
            Assert.IsTrue(c.IsCopy);
            CollectionAssert.AreEqual(new float[] { 1, 2 }, c.Span.ToArray());
        }
    }

    [TestMethod]
    public void ATensorThatRequiresGradIsReadWithoutAutogradHistory()
    {
        using var x = torch.tensor(new double[] { 0.5, -1, 2 }, requires_grad: true);
        using var copy = TensorRead.ContiguousCpuCopy(x, ScalarType.Float32);
        Assert.IsFalse(copy.requires_grad, "the converted copy must not be part of the autograd graph");
        using var w = torch.tensor(new float[] { 0.5f, -1, 2 }, requires_grad: true);
        CollectionAssert.AreEqual(Logged.Bytes(s => s.AddHistogram("h", new float[] { 0.5f, -1, 2 }.AsSpan(), 0, default, T)), Logged.Bytes(s => s.AddHistogram("h", w, 0, default, T)));
        Assert.IsNull(w.grad, "reading must not create a gradient");
    }

    [TestMethod]
    public void ScalarsFromZeroDAndOneElementTensorsKeepTheirType()
    {
        using var f = torch.tensor(0.25f);
        using var d = torch.tensor(new double[] { 1.0 / 3 });
        using var l = torch.tensor(new long[] { 7 }, [1, 1]);
        using var b = torch.tensor(true);
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddScalar("s", 0.25f, 5, T)), Logged.Bytes(w => w.AddScalar("s", f, 5, T)));
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddScalar("s", 1.0 / 3, 5, T)), Logged.Bytes(w => w.AddScalar("s", d, 5, T)));
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddScalar("s", 7L, 5, T)), Logged.Bytes(w => w.AddScalar("s", l, 5, T)));
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddScalar("s", 1L, 5, T)), Logged.Bytes(w => w.AddScalar("s", b, 5, T)));
        var e = Logged.Events(w => w.AddScalar("s", d, 5, T));
        Assert.AreEqual(1.0 / 3, Logged.Scalar(e[0].Summary.Value[0]), 1e-7); // the default encoding stores a float
    }

    [TestMethod]
    public void AScalarTensorWithMoreThanOneElementIsRejectedWithItsShape()
    {
        using var t = torch.zeros(2, 3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddScalar("s", t, 0)));
        Assert.AreEqual("value", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 3]");
        StringAssert.Contains(e.Message, "6 elements");
    }

    [TestMethod]
    public void ADisposedTensorIsRejectedByName()
    {
        var t = torch.ones(4);
        t.Dispose();
        var e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddHistogram("h", t, 0)));
        Assert.AreEqual("values", e.ParamName);
        StringAssert.Contains(e.Message, "'values' has been disposed");
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddImage("i", t, 0)));
        Assert.AreEqual("image", e2.ParamName);
        Assert.ThrowsExactly<ArgumentNullException>(() => Logged.Events(w => w.AddScalar("s", (Tensor)null!, 0)));
    }

    [TestMethod]
    public void ImagesInEveryDataFormatEqualTheSpanOverload()
    {
        // A 3 × 4 × 5 CHW image of bytes, and the same pixels as HWC and as floats.
        byte[] chw = Enumerable.Range(0, 60).Select(i => (byte)(i * 4)).ToArray();
        var hwc = new byte[60];
        for (int c = 0; c < 3; c++) for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) hwc[(y * 5 + x) * 3 + c] = chw[(c * 4 + y) * 5 + x];
        var expected = Logged.Bytes(w => w.AddImage("i", chw.AsSpan(), ImageShape.Chw(3, 4, 5), 1, T));
        using var tChw = torch.tensor(chw, [3, 4, 5]);
        CollectionAssert.AreEqual(expected, Logged.Bytes(w => w.AddImage("i", tChw, 1, "CHW", T)));
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddImage("i", hwc.AsSpan(), ImageShape.Hwc(4, 5, 3), 1, T)), expected, "the core encodes both layouts alike");
        using var tHwc = torch.tensor(hwc, [4, 5, 3]);
        CollectionAssert.AreEqual(expected, Logged.Bytes(w => w.AddImage("i", tHwc, 1, "hwc", T)));
        using var tWhc = tHwc.permute(1, 0, 2); // a WHC view
        CollectionAssert.AreEqual(expected, Logged.Bytes(w => w.AddImage("i", tWhc, 1, "WHC", T)));
        float[] f = chw.Select(b => b / 255f).ToArray();
        using var tf = torch.tensor(f, [3, 4, 5]);
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddImage("i", f.AsSpan(), ImageShape.Chw(3, 4, 5), 1, T)), Logged.Bytes(w => w.AddImage("i", tf, 1, "CHW", T)));
        using var tGray = torch.tensor(f.Take(20).ToArray(), [4, 5]);
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddImage("i", f.AsSpan(0, 20), ImageShape.Hw(4, 5), 1, T)), Logged.Bytes(w => w.AddImage("i", tGray, 1, "HW", T)));
    }

    [TestMethod]
    public void ImagesWithAWrongRankOrFormatAreRejected()
    {
        using var t = torch.zeros(4, 5);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddImage("i", t, 0, "CHW")));
        Assert.AreEqual("image", e.ParamName);
        StringAssert.Contains(e.Message, "[4, 5]");
        StringAssert.Contains(e.Message, "'CHW' needs 3");
        var f = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddImage("i", t, 0, "HX")));
        Assert.AreEqual("dataFormats", f.ParamName);
        var g = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddImages("i", t, 0)));
        Assert.AreEqual("images", g.ParamName);
        StringAssert.Contains(g.Message, "'NCHW' needs 4");
    }

    [TestMethod]
    public void ImageBatchesEqualTheSpanOverload()
    {
        float[] nchw = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (i % 17) / 16f).ToArray();
        using var t = torch.tensor(nchw, [2, 3, 4, 5]);
        var expected = Logged.Bytes(w => w.AddImages("b", nchw.AsSpan(), ImageBatchShape.Nchw(2, 3, 4, 5), 1, T));
        CollectionAssert.AreEqual(expected, Logged.Bytes(w => w.AddImages("b", t, 1, "NCHW", T)));
        using var nhwc = t.permute(0, 2, 3, 1); // an NHWC view of the same pixels
        CollectionAssert.AreEqual(expected, Logged.Bytes(w => w.AddImages("b", nhwc, 1, "NHWC", T)));
        using var cuda = t.to_type(ScalarType.Float64); // another dtype, same pixels
        CollectionAssert.AreEqual(expected, Logged.Bytes(w => w.AddImages("b", cuda, 1, "NCHW", T)));
        using var gray = torch.tensor(nchw.Take(2 * 4 * 5).ToArray(), [2, 4, 5]);
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddImages("b", nchw.AsSpan(0, 40), ImageBatchShape.Nchw(2, 1, 4, 5), 1, T)), Logged.Bytes(w => w.AddImages("b", gray, 1, "NHW", T)));
    }

    [TestMethod]
    public void AudioIsMonoOrChannelsFirst()
    {
        float[] mono = Enumerable.Range(0, 100).Select(i => MathF.Sin(i * 0.3f) * 0.8f).ToArray();
        using var t1 = torch.tensor(mono);
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddAudio("a", mono.AsSpan(), 8000, 1, T)), Logged.Bytes(w => w.AddAudio("a", t1, 8000, 1, T)));
        using var t1x = torch.tensor(mono, [1, 100]); // PyTorch's (1, L)
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddAudio("a", mono.AsSpan(), 8000, 1, T)), Logged.Bytes(w => w.AddAudio("a", t1x, 8000, 1, T)));
        float[] right = mono.Select(v => -v / 2).ToArray();
        using var stereo = torch.tensor(mono.Concat(right).ToArray(), [2, 100]);
        float[] interleaved = mono.Zip(right).SelectMany(p => new[] { p.First, p.Second }).ToArray();
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddAudio("a", interleaved.AsSpan(), 8000, 2, 1, T)), Logged.Bytes(w => w.AddAudio("a", stereo, 8000, 1, T)));
        using var bad = torch.zeros(2, 2, 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddAudio("a", bad, 8000, 1)));
        Assert.AreEqual("samples", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 2, 2]");
        // One channel over what a 16-bit WAV holds: refused naming samples (the span overload's 'channels' is not
        // this method's), with the core tensor overload's message.
        using var wide = torch.zeros(WavEncoder.MaxChannels + 1, 1);
        e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddAudio("a", wide, 8000, 1)));
        Assert.AreEqual("samples", e.ParamName);
        StringAssert.StartsWith(e.Message, "A 16-bit WAV file holds at most 32767 channels; got shape [32768, 1].");
        using var none = torch.zeros(0, 4);
        e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddAudio("a", none, 8000, 1)));
        Assert.AreEqual("samples", e.ParamName);
        StringAssert.StartsWith(e.Message, "Audio needs at least one channel; got shape [0, 4].");
    }

    [TestMethod]
    public void PrCurvesFromBoolAndNumericLabels()
    {
        bool[] labels = [true, false, true, true, false, false, true];
        float[] preds = [0.9f, 0.2f, 0.6f, 0.4f, 0.5f, 0.05f, 0.99f];
        float[] weights = [1, 2, 1, 0.5f, 1, 1, 3];
        using var tl = torch.tensor(labels);
        using var tp = torch.tensor(preds);
        using var tw = torch.tensor(weights);
        CollectionAssert.AreEqual(Logged.Bytes(w => w.AddPrCurve("p", labels, preds, 1, 11, weights, T)), Logged.Bytes(w => w.AddPrCurve("p", tl, tp, 1, 11, tw, T)));
        double[] preds64 = preds.Select(p => (double)p).ToArray();
        using var tl64 = torch.tensor(labels.Select(b => b ? 1L : 0L).ToArray(), [7, 1]);
        using var tp64 = torch.tensor(preds64);
        CollectionAssert.AreEqual(
            Logged.Bytes(w => w.AddPrCurve("p", labels.Select(b => b ? 1.0 : 0.0).ToArray(), preds64, 1, 11, default, T)),
            Logged.Bytes(w => w.AddPrCurve("p", tl64, tp64, 1, 11, null, T)));
        using var shortLabels = torch.tensor(labels.Take(3).ToArray());
        var e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddPrCurve("p", shortLabels, tp, 1)));
        Assert.AreEqual("labels", e.ParamName);
        StringAssert.Contains(e.Message, "[3]");
        StringAssert.Contains(e.Message, "[7]");
    }

    [TestMethod]
    public void EmbeddingsWriteTheSameProjectorFilesAsTheSpanOverload()
    {
        float[] mat = Enumerable.Range(0, 12).Select(i => i * 0.5f - 1).ToArray();
        byte[] thumbs = Enumerable.Range(0, 4 * 1 * 2 * 2).Select(i => (byte)(i * 15)).ToArray();
        var labels = EmbeddingMetadata.FromLabels(["a", "b", "c", "d"]);
        string spanDir = Logged.NewDirectory(), tensorDir = Logged.NewDirectory();
        try
        {
            using (var w = new SummaryWriter(spanDir))
                w.AddEmbedding("emb", mat, 3, 4, labels, EmbeddingSprite.From(thumbs, ImageBatchShape.Nchw(4, 1, 2, 2)));
            using var tm = torch.tensor(mat, [4, 3]);
            using var ti = torch.tensor(thumbs, [4, 1, 2, 2]);
            using (var w = new SummaryWriter(tensorDir))
                w.AddEmbedding("emb", tm, 4, labels, ti);
            var files = Directory.GetFiles(spanDir, "*", SearchOption.AllDirectories).Where(f => !f.Contains("tfevents")).Select(f => Path.GetRelativePath(spanDir, f)).Order().ToList();
            CollectionAssert.AreEqual(files, Directory.GetFiles(tensorDir, "*", SearchOption.AllDirectories).Where(f => !f.Contains("tfevents")).Select(f => Path.GetRelativePath(tensorDir, f)).Order().ToList());
            Assert.IsTrue(files.Any(f => f.EndsWith("sprite.png")) && files.Any(f => f.EndsWith("tensors.tsv")));
            foreach (var f in files) CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(spanDir, f)), File.ReadAllBytes(Path.Combine(tensorDir, f)), f);
            using var vector = torch.tensor(mat);
            using var again = new SummaryWriter(tensorDir);
            var e = Assert.ThrowsExactly<ArgumentException>(() => again.AddEmbedding("x", vector, 0));
            Assert.AreEqual("mat", e.ParamName);
        }
        finally
        {
            Directory.Delete(spanDir, true);
            Directory.Delete(tensorDir, true);
        }
    }
}
