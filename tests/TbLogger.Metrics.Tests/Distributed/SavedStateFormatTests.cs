namespace TbLogger.Metrics.Tests;

/// <summary>
/// The saved-state format (magic "TBMS", version 1) stays readable: these blobs were written by
/// <c>Metric.SaveState()</c> of TbLogger 0.9.0 (commit 7ca006d, before the state moved to <see cref="MetricState"/>)
/// after one batch each. Loading them restores the result, computed here by hand, and saving again gives the same bytes.
/// </summary>
[TestClass]
public sealed class SavedStateFormatTests
{
    private sealed record Saved(string Identifier, string Config, double Result, string Hex);

    private static readonly Saved[] Blobs =
    [
        new("Mean", """{}""", 7.0 / 3, // (1 + 2 + 4) / 3
            "54424D5301001554624C6F676765722E4D6574726963732E4D65616E137B226474797065223A22666C6F61743332227D"
            + "0200000005746F74616C0001000000010000000000000000001C4005636F756E74000100000001000000000000000000"
            + "0840"),
        new("AUC", """{"num_thresholds": 5}""", 1.0, // every positive scores above every negative
            "54424D5301001454624C6F676765722E4D6574726963732E415543A6017B226474797065223A22666C6F61743332222C"
            + "226E756D5F7468726573686F6C6473223A352C226375727665223A22524F43222C2273756D6D6174696F6E5F6D657468"
            + "6F64223A22696E746572706F6C6174696F6E222C226D756C74695F6C6162656C223A66616C73652C226E756D5F6C6162"
            + "656C73223A6E756C6C2C226C6162656C5F77656967687473223A6E756C6C2C2266726F6D5F6C6F67697473223A66616C"
            + "73657D040000000E747275655F706F736974697665730001000000050000000000000000000040000000000000004000"
            + "00000000000040000000000000F03F00000000000000000F66616C73655F706F73697469766573000100000005000000"
            + "0000000000000040000000000000F03F0000000000000000000000000000000000000000000000000E747275655F6E65"
            + "676174697665730001000000050000000000000000000000000000000000F03F00000000000000400000000000000040"
            + "00000000000000400F66616C73655F6E6567617469766573000100000005000000000000000000000000000000000000"
            + "000000000000000000000000000000F03F0000000000000040"),
        new("R2Score", """{}""", ((1 - 0.5 / (24.0 / 9)) + (1 - 2 / (78.0 / 9))) / 2, // columns [1,3,3] and [2,5,1], residuals 0.5 and 2
            "54424D5301001854624C6F676765722E4D6574726963732E523253636F72654C7B226474797065223A22666C6F617433"
            + "32222C22636C6173735F6167677265676174696F6E223A22756E69666F726D5F61766572616765222C226E756D5F7265"
            + "67726573736F7273223A307D050000000B6E756D5F73616D706C657300010000000100000000000000000008400B7371"
            + "75617265645F73756D00010000000200000000000000000033400000000000003E400373756D00010000000200000000"
            + "00000000001C40000000000000204008726573696475616C000100000002000000000000000000E03F00000000000000"
            + "4005636F756E7400010000000200000000000000000008400000000000000840"),
        new("MeanIoU", """{"num_classes": 3}""", 4.0 / 9, // per-class IoU 1, 0, 1/3
            "54424D5301001854624C6F676765722E4D6574726963732E4D65616E496F556B7B226474797065223A22666C6F617433"
            + "32222C226E756D5F636C6173736573223A332C2269676E6F72655F636C617373223A6E756C6C2C227370617273655F79"
            + "5F74727565223A747275652C227370617273655F795F70726564223A747275652C2261786973223A2D317D0100000016"
            + "746F74616C5F636F6E667573696F6E5F6D6174726978000100000009000000000000000000F03F000000000000000000"
            + "0000000000000000000000000000000000000000000000000000000000F03F0000000000000000000000000000F03F00"
            + "0000000000F03F"),
    ];

    [TestMethod]
    public void Blobs_saved_by_the_previous_release_load_and_save_back_byte_for_byte()
    {
        foreach (var saved in Blobs)
        {
            byte[] bytes = Convert.FromHexString(saved.Hex);
            Metric metric = MetricFactory.Create(saved.Identifier, saved.Config);
            metric.State.Load(bytes);
            Assert.AreEqual(saved.Result, metric.Result(), 1e-6, saved.Identifier);
            CollectionAssert.AreEqual(bytes, metric.State.Save(), saved.Identifier);
        }
    }

    [TestMethod]
    public void A_blob_loads_only_into_its_own_type_and_config()
    {
        byte[] mean = Convert.FromHexString(Blobs[0].Hex);
        var wrongType = Assert.ThrowsExactly<ArgumentException>(() => new Sum().State.Load(mean));
        Assert.AreEqual("Saved state belongs to TbLogger.Metrics.Mean, not TbLogger.Metrics.Sum. (Parameter 'state')", wrongType.Message);
        byte[] auc = Convert.FromHexString(Blobs[1].Hex);
        var wrongConfig = Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("AUC", """{"num_thresholds": 7}""").State.Load(auc));
        StringAssert.StartsWith(wrongConfig.Message, "Saved state has config {\"dtype\":\"float32\",\"num_thresholds\":5,");
    }
}
