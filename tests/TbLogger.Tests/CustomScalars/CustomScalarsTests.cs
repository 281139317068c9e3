using TbLogger.Protos;
using TbLogger.Protos.Plugins.CustomScalar;
using TbLogger.Tests.Histograms;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.CustomScalars;

using Summaries = TbLogger.Summaries;

[TestClass]
public sealed class CustomScalarsTests
{
    private static Layout GoldenLikeLayout() => CustomScalarCharts.Layout(
        CustomScalarCharts.Category("Training", CustomScalarCharts.Multiline("loss+accuracy", "train/loss", "train/accuracy")),
        CustomScalarCharts.Category("Margins", CustomScalarCharts.Margin("mid with band", CustomScalarCharts.MarginSeries("margin/mid", "margin/lo", "margin/hi"))));

    private static void AssertMatchesGolden(Summary.Types.Value ours)
    {
        var golden = GoldenEvents.Tag(Summaries.CustomScalarsConfigTag).Single().Value;
        Assert.AreEqual(golden.Tag, ours.Tag);
        Assert.AreEqual(golden.Tensor.Dtype, ours.Tensor.Dtype);
        Assert.AreEqual(golden.Tensor.TensorShape, ours.Tensor.TensorShape, "shape [] (present, no dims)");
        Assert.AreEqual(Layout.Parser.ParseFrom(golden.Tensor.StringVal.Single()), Layout.Parser.ParseFrom(ours.Tensor.StringVal.Single()));
        Assert.AreEqual(golden.Tensor.StringVal.Single(), ours.Tensor.StringVal.Single(), "byte-identical serialization");
        Assert.AreEqual(golden.Metadata.PluginData, ours.Metadata.PluginData);
        Assert.AreEqual(DataClass.Tensor, ours.Metadata.DataClass);
    }

    [TestMethod]
    public void LayoutMatchesTheGoldenConfig() =>
        AssertMatchesGolden(Summaries.CustomScalarsLayout(GoldenLikeLayout()).Value.Single());

    [TestMethod]
    public void WriterWritesTheLayoutAtStepZeroAndCopiesIt()
    {
        using var dir = new TempDirectory();
        var layout = GoldenLikeLayout();
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.IsTrue(writer.AddCustomScalarsLayout(layout));
            layout.Category.Clear(); // later changes must not reach the file
        }
        var written = GoldenEvents.Written(dir.Path).Single();
        Assert.AreEqual(0L, written.Step);
        AssertMatchesGolden(written.Value);
    }

    [TestMethod]
    public void BadLayoutsThrowAndTheWriterStaysUsable()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.ThrowsExactly<ArgumentNullException>(() => writer.AddCustomScalarsLayout(null!));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddCustomScalarsLayout(new Layout()));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddCustomScalarsLayout(CustomScalarCharts.Layout(CustomScalarCharts.Category("empty"))));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddCustomScalarsLayout(CustomScalarCharts.Layout(CustomScalarCharts.Category("c", new Chart { Title = "no content" }))));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddCustomScalarsLayout(CustomScalarCharts.Layout(CustomScalarCharts.Category("c", CustomScalarCharts.Multiline("no tags")))));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddCustomScalarsLayout(CustomScalarCharts.Layout(CustomScalarCharts.Category("c", CustomScalarCharts.Multiline("bad", "train/(")))));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddCustomScalarsLayout(CustomScalarCharts.Layout(CustomScalarCharts.Category("c", CustomScalarCharts.Margin("m", CustomScalarCharts.MarginSeries("a", "", "c"))))));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddCustomScalarsLayout(new Layout { Version = 1, Category = { GoldenLikeLayout().Category } }));
            Assert.IsTrue(writer.AddCustomScalarsLayout(GoldenLikeLayout()));
        }
        Assert.HasCount(1, GoldenEvents.Written(dir.Path));
    }
}
