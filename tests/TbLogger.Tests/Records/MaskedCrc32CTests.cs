using System.Text;
using TbLogger.Records;

namespace TbLogger.Tests.Records;

[TestClass]
public sealed class MaskedCrc32CTests
{
    // Bitwise CRC32C (reflected polynomial 0x82F63B78), written independently of the hardware path under test.
    private static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }
        return ~crc;
    }

    [TestMethod]
    public void CheckValueOf123456789IsE3069283()
    {
        Assert.AreEqual(0xE3069283u, MaskedCrc32C.Compute("123456789"u8));
    }

    [TestMethod]
    public void PublishedVectorsFromRfc3720()
    {
        // iSCSI (RFC 3720, B.4) CRC32C test vectors.
        Assert.AreEqual(0x8A9136AAu, MaskedCrc32C.Compute(new byte[32]));
        Assert.AreEqual(0x62A8AB43u, MaskedCrc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.AreEqual(0x46DD794Eu, MaskedCrc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.AreEqual(0x113FDB5Cu, MaskedCrc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
        Assert.AreEqual(0u, MaskedCrc32C.Compute([]));
    }

    [TestMethod]
    public void MatchesBitwiseReferenceForEveryLengthUpTo100()
    {
        var random = new Random(1234);
        for (int length = 0; length <= 100; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.AreEqual(ReferenceCrc32C(data), MaskedCrc32C.Compute(data), $"length {length}");
        }
    }

    [TestMethod]
    public void MatchesBitwiseReferenceForSlicesAtEveryOffsetOfALargerBuffer()
    {
        // Compute reads 8, 4 and 2 bytes at a time from wherever the span starts: slices that begin at odd offsets of
        // a buffer (as records do inside the writer's gathering buffer) must give the same CRC as a copy would.
        var random = new Random(99);
        var buffer = new byte[300];
        random.NextBytes(buffer);
        for (int offset = 0; offset < 16; offset++)
        {
            foreach (int length in new[] { 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 45, 64, 255 })
            {
                var slice = new ReadOnlySpan<byte>(buffer, offset, length);
                Assert.AreEqual(ReferenceCrc32C(slice), MaskedCrc32C.Compute(slice), $"offset {offset}, length {length}");
            }
        }
    }

    [TestMethod]
    public void MaskRotatesAndAddsTheDeltaAndUnmaskInvertsIt()
    {
        uint crc = 0xE3069283u;
        uint expected = unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
        Assert.AreEqual(expected, MaskedCrc32C.Mask(crc));
        Assert.AreEqual(expected, MaskedCrc32C.ComputeMasked(Encoding.ASCII.GetBytes("123456789")));
        var random = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            uint value = (uint)random.NextInt64(0, 1L << 32);
            Assert.AreEqual(value, MaskedCrc32C.Unmask(MaskedCrc32C.Mask(value)));
        }
    }
}
