using TorchSharp;

namespace TbLogger.TorchSharp.Tests;

[TestClass]
public sealed class NativeLoadTests
{
    [TestMethod]
    public void ATensorOpRunsOnThisMachine()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = (a * 2).sum();
        Assert.AreEqual(12f, b.item<float>());
    }
}
