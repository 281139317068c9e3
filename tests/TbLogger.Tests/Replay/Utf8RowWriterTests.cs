using System.Globalization;
using System.Text;
using TbLogger.Replay;

namespace TbLogger.Tests.Replay;

/// <summary>The export's row writer: numbers whose text it remembers are written exactly as formatting them again writes them.</summary>
[TestClass]
public sealed class Utf8RowWriterTests
{
    [TestMethod]
    public void Finite_numbers_written_again_from_remembered_text_are_the_runtimes_text()
    {
        // 3,000 distinct values (more than the 1,024 slots, so values share slots and replace each other), drawn
        // 200,000 times with repeats, as bucket edges recur: zero and negative zero (equal, with different bits and
        // texts), subnormals, extremes, integers and fractions.
        var random = new Random(7);
        var distinct = new List<double> { 0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 1, -1, 0.1, 1e-300, 123456789012345678 };
        while (distinct.Count < 3_000)
        {
            double v = random.Next(4) switch
            {
                0 => random.Next(-1_000, 1_000),
                1 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)),
                2 => BitConverter.Int64BitsToDouble(random.NextInt64()),
                _ => Math.Pow(1.1, random.Next(-300, 300)),
            };
            if (double.IsFinite(v))
            {
                distinct.Add(v);
            }
        }
        double[] values = [0.0, -0.0, 0.0, -0.0, .. Enumerable.Range(0, 200_000).Select(i => i % 5 == 0 ? distinct[i % 11] : distinct[random.Next(distinct.Count)])];

        using var output = new MemoryStream();
        using (var writer = new Utf8RowWriter(output))
        {
            foreach (double v in values)
            {
                writer.FiniteNumber(v);
                writer.Byte((byte)',');
            }
        }
        string expected = string.Concat(values.Select(v => v.ToString(CultureInfo.InvariantCulture) + ","));
        string actual = Encoding.UTF8.GetString(output.ToArray());
        Assert.AreEqual(expected.Length, actual.Length);
        Assert.AreEqual(expected, actual);
        StringAssert.StartsWith(actual, "0,-0,0,-0,");
    }
}
