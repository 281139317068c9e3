using TbLogger.Protos;

namespace TbLogger.Tests.Summaries;

[TestClass]
public sealed class SummariesTests
{
    [TestMethod]
    public void ScalarDefaultsToARankZeroFloatTensorWithScalarsMetadata()
    {
        var value = TbLogger.Summaries.Scalar("train/loss", 0.25).Value.Single();
        Assert.AreEqual("train/loss", value.Tag);
        Assert.AreEqual(DataType.DtFloat, value.Tensor.Dtype);
        Assert.IsNull(value.Tensor.TensorShape, "rank 0 written as an absent shape");
        Assert.AreEqual(0.25f, value.Tensor.FloatVal.Single());
        Assert.AreEqual("scalars", value.Metadata.PluginData.PluginName);
        Assert.IsTrue(value.Metadata.PluginData.Content.IsEmpty);
        Assert.AreEqual(DataClass.Scalar, value.Metadata.DataClass);
    }

    [TestMethod]
    public void ScalarEncodingsStoreTheValueWhereEachFormExpectsIt()
    {
        var simple = TbLogger.Summaries.Scalar("x", 1.0 / 3, ScalarEncoding.SimpleValue).Value.Single();
        Assert.AreEqual(Summary.Types.Value.ValueOneofCase.SimpleValue, simple.ValueCase);
        Assert.AreEqual((float)(1.0 / 3), simple.SimpleValue);

        var dbl = TbLogger.Summaries.Scalar("x", 1.0 / 3, ScalarEncoding.Float64Tensor).Value.Single();
        Assert.AreEqual(DataType.DtDouble, dbl.Tensor.Dtype);
        Assert.AreEqual(1.0 / 3, dbl.Tensor.DoubleVal.Single());
        Assert.AreEqual(0, dbl.Tensor.FloatVal.Count);
    }

    [TestMethod]
    public void NaNAndInfinityAreLegalScalars()
    {
        Assert.IsTrue(float.IsNaN(TbLogger.Summaries.Scalar("x", double.NaN).Value[0].Tensor.FloatVal[0]));
        Assert.AreEqual(float.PositiveInfinity, TbLogger.Summaries.Scalar("x", double.PositiveInfinity).Value[0].Tensor.FloatVal[0]);
        Assert.AreEqual(double.NegativeInfinity, TbLogger.Summaries.Scalar("x", double.NegativeInfinity, ScalarEncoding.Float64Tensor).Value[0].Tensor.DoubleVal[0]);
    }

    [TestMethod]
    public void TextIsAUtf8StringTensorOfShapeOneAndKeepsItsTag()
    {
        var value = TbLogger.Summaries.Text("notes", "Grüße **bold**").Value.Single();
        Assert.AreEqual("notes", value.Tag);
        Assert.AreEqual(DataType.DtString, value.Tensor.Dtype);
        Assert.AreEqual(1L, value.Tensor.TensorShape.Dim.Single().Size);
        CollectionAssert.AreEqual(System.Text.Encoding.UTF8.GetBytes("Grüße **bold**"), value.Tensor.StringVal.Single().ToByteArray());
        Assert.AreEqual("text", value.Metadata.PluginData.PluginName);
        Assert.AreEqual(DataClass.Tensor, value.Metadata.DataClass);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("   ")]
    [DataRow("\t\n")]
    public void EmptyOrWhiteSpaceTagsAreRejected(string tag)
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Scalar(tag, 1));
        Assert.AreEqual("tag", ex.ParamName);
        StringAssert.StartsWith(ex.Message, "A tag must not be empty or white space.");
        Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Text(tag, "x"));
    }

    [TestMethod]
    public void NullTagIsArgumentNull()
    {
        var ex = Assert.ThrowsExactly<ArgumentNullException>(() => TbLogger.Summaries.Scalar(null!, 1));
        Assert.AreEqual("tag", ex.ParamName);
    }
}
