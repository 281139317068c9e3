using System.Globalization;
using System.Numerics;
using System.Text;
using TbLogger.Reading;
using TbLogger.Replay;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Replay;

/// <summary>
/// The export's number text must stay byte for byte what it was when it came from .NET's own formatter
/// (double.TryFormat with the invariant culture): every test compares <see cref="RoundTripText"/> with the runtime.
/// </summary>
[TestClass]
public sealed class RoundTripTextTests
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    /// <summary>Counts mismatches and keeps the first few, so a failure names values to look at.</summary>
    private sealed class Comparison
    {
        private readonly byte[] _ours = new byte[64];
        private readonly byte[] _runtime = new byte[64];
        private readonly List<string> _first = [];

        public long Checked { get; private set; }

        public long Mismatches { get; private set; }

        public void Double(double value)
        {
            if (!double.IsFinite(value))
            {
                return;
            }
            Checked++;
            int ours = RoundTripText.Format(value, _ours);
            Assert.IsTrue(value.TryFormat(_runtime, out int runtime, default, s_invariant));
            if (!_ours.AsSpan(0, ours).SequenceEqual(_runtime.AsSpan(0, runtime)))
            {
                Mismatch($"double 0x{BitConverter.DoubleToUInt64Bits(value):X16}", ours, runtime);
            }
        }

        private void Mismatch(string what, int ours, int runtime)
        {
            Mismatches++;
            if (_first.Count < 10)
            {
                _first.Add($"{what}: ours '{Encoding.ASCII.GetString(_ours, 0, ours)}', runtime '{Encoding.ASCII.GetString(_runtime, 0, runtime)}'");
            }
        }

        public void AssertNone(long atLeast)
        {
            Assert.AreEqual(0, Mismatches, string.Join("\n", _first));
            Assert.IsTrue(Checked >= atLeast, $"only {Checked} values checked");
        }
    }

    [TestMethod]
    public void TheLogarithmShortcutsAreExactOverEveryExponentUsed()
    {
        // Independent reference: the exact powers, compared as big integers (2^q vs 10^k, with q and k of either sign).
        for (int q = -1200; q <= 1200; q++)
        {
            Assert.AreEqual(FloorLog10(BigPow(2, q)), RoundTripText.FloorLog10Pow2(q), $"floor(log10(2^{q}))");
            var (num, den) = BigPow(2, q);
            Assert.AreEqual(FloorLog10((num * 3, den * 4)), RoundTripText.FloorLog10ThreeQuartersPow2(q), $"floor(log10(3/4 2^{q}))");
        }
        for (int e = -400; e <= 400; e++)
        {
            var (num, den) = BigPow(10, e);
            // floor(log2(num/den)): the bit lengths give it up to one, then one exact comparison with 2^guess.
            int guess = (int)(num.GetBitLength() - den.GetBitLength());
            bool atLeast = guess >= 0 ? num >= den << guess : num << -guess >= den;
            int expected = atLeast ? guess : guess - 1;
            Assert.AreEqual(expected, RoundTripText.FloorLog2Pow10(e), $"floor(log2(10^{e}))");
        }
    }

    private static int FloorLog10((BigInteger Num, BigInteger Den) value, BigInteger scale)
    {
        var (num, den) = (value.Num * scale, value.Den);
        int k = 0;
        if (num >= den)
        {
            while (num >= den * 10)
            {
                den *= 10;
                k++;
            }
            return k;
        }
        while (num < den)
        {
            num *= 10;
            k--;
        }
        return k;
    }

    private static int FloorLog10((BigInteger Num, BigInteger Den) value) => FloorLog10(value, BigInteger.One);

    private static (BigInteger Num, BigInteger Den) BigPow(int b, int e) =>
        e >= 0 ? (BigInteger.Pow(b, e), BigInteger.One) : (BigInteger.One, BigInteger.Pow(b, -e));

    [TestMethod]
    public void TwoMillionRandomDoubleBitPatternsMatchTheRuntime()
    {
        var random = new Random(19);
        var compare = new Comparison();
        for (int i = 0; i < 2_000_000; i++)
        {
            compare.Double(BitConverter.UInt64BitsToDouble((ulong)random.NextInt64() | ((ulong)random.Next(2) << 63)));
        }
        compare.AssertNone(1_990_000);
    }

    [TestMethod]
    public void SubnormalsZerosAndTheSmallestValuesMatchTheRuntime()
    {
        var random = new Random(20);
        var compare = new Comparison();
        for (ulong bits = 0; bits < 200_000; bits++)
        {
            compare.Double(BitConverter.UInt64BitsToDouble(bits));
            compare.Double(-BitConverter.UInt64BitsToDouble(bits));
        }
        for (int i = 0; i < 300_000; i++)
        {
            compare.Double(BitConverter.UInt64BitsToDouble((ulong)random.NextInt64(1L << 52)));
        }
        compare.AssertNone(700_000);
        Assert.AreEqual("-0", Text(-0.0));
        Assert.AreEqual("0", Text(0.0));
        Assert.AreEqual("5E-324", Text(double.Epsilon));
        Assert.AreEqual("1E-323", Text(2 * double.Epsilon));
        Assert.AreEqual("1.5E-323", Text(3 * double.Epsilon));
        Assert.AreEqual("2.2250738585072014E-308", Text(2.2250738585072014E-308));
    }

    [TestMethod]
    public void PowersOfTenAndTwoEveryExponentAndIntegersMatchTheRuntime()
    {
        var compare = new Comparison();
        for (int e = -325; e <= 309; e++)
        {
            double power = double.Parse($"1e{e}", s_invariant);
            foreach (double v in new[] { power, Math.BitDecrement(power), Math.BitIncrement(power), 2 * power, 5 * power, 9.5 * power, 1.25 * power })
            {
                compare.Double(v);
                compare.Double(-v);
            }
        }
        for (ulong biased = 0; biased < 2047; biased++)
        {
            // Every binary exponent: the power of two (the uneven interval), its neighbours and the largest significand.
            ulong power = biased << 52;
            foreach (ulong bits in new[] { power, power + 1, power + 2, power - 1, power | 0x8_0000_0000_0000, power | 0xF_FFFF_FFFF_FFFF })
            {
                compare.Double(BitConverter.UInt64BitsToDouble(bits));
            }
        }
        for (long i = -100_000; i <= 100_000; i++)
        {
            compare.Double(i);
            compare.Double(i / 8.0);
            compare.Double(i * 1e-3);
        }
        for (long i = (1L << 53) - 1000; i <= (1L << 53) + 1000; i++)
        {
            compare.Double(i);
        }
        compare.AssertNone(620_000);
        // The layout switches: plain up to 17 digits left of the point or 3 zeros right of it, then scientific.
        Assert.AreEqual("10000000000000000", Text(1e16));
        Assert.AreEqual("1E+17", Text(1e17));
        Assert.AreEqual("12345678901234568", Text(12345678901234567.0));
        Assert.AreEqual("1.2345678901234568E+17", Text(123456789012345678.0));
        Assert.AreEqual("0.0001", Text(1e-4));
        Assert.AreEqual("1E-05", Text(1e-5));
        Assert.AreEqual("-1.7976931348623157E+308", Text(double.MinValue));
        // The two powers of two where the runtime's text is not even round-trip: it stays the reference.
        Assert.AreEqual("4.104536801298376E-289", Text(Math.ScaleB(1, -958)));
        Assert.AreEqual("2.980232238769531E-08", Text(Math.ScaleB(1, -25)));
    }

    [TestMethod]
    public void FloatsWidenedToDoubleAndRoundedDecimalsMatchTheRuntime()
    {
        // The values an export sees most: float32 scalars widened to double, and short decimals.
        var random = new Random(21);
        var compare = new Comparison();
        for (int i = 0; i < 1_000_000; i++)
        {
            compare.Double(BitConverter.Int32BitsToSingle(random.Next() | (random.Next(2) << 31)));
            compare.Double(Math.Round(random.NextDouble() * 1000, random.Next(0, 12)));
        }
        compare.AssertNone(1_990_000);
        Assert.AreEqual("0.10000000149011612", Text((double)0.1f));
        Assert.AreEqual("1700000000.25", Text(1_700_000_000.25));
    }

    [TestMethod]
    public void NonFiniteValuesAndShortDestinationsAreRejected()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => RoundTripText.Format(double.NaN, new byte[32]));
        Assert.AreEqual("A finite value and a destination of at least 24 bytes are required. (Parameter 'value')", ex.Message);
        Assert.ThrowsExactly<ArgumentException>(() => RoundTripText.Format(double.PositiveInfinity, new byte[32]));
        Assert.ThrowsExactly<ArgumentException>(() => RoundTripText.Format(1.0, new byte[23]));
    }

    [TestMethod]
    public void ExportedRowsAreTheBytesTheRuntimeFormatterWrote()
    {
        // Rows with awkward values (random bit patterns, subnormals, negative zero, non-finite, repeats), written by
        // the export on one thread and on several, against rows built with the runtime's own formatting.
        var random = new Random(23);
        var points = new List<ScalarPoint>();
        for (int i = 0; i < 20_000; i++)
        {
            double value = (i % 7) switch
            {
                0 => BitConverter.UInt64BitsToDouble((ulong)random.NextInt64()),
                1 => BitConverter.Int32BitsToSingle(random.Next()),
                2 => BitConverter.UInt64BitsToDouble((ulong)random.Next(1000)),
                3 => -0.0,
                4 => i % 3 == 0 ? double.NaN : i % 3 == 1 ? double.PositiveInfinity : double.NegativeInfinity,
                5 => Math.Round(random.NextDouble(), 3),
                _ => Math.Sin(i),
            };
            points.Add(new ScalarPoint(i % 2 == 0 ? "run,a" : "run", $"tag_{i % 3}", i / 3, 1_700_000_000 + (i / 3 * 0.25), value));
        }
        var csv = new StringBuilder();
        var json = new StringBuilder();
        foreach (ScalarPoint p in points)
        {
            csv.Append(p.Run == "run,a" ? "\"run,a\"" : p.Run).Append(',').Append(p.Tag).Append(',').Append(p.Step.ToString(s_invariant)).Append(',')
                .Append(Runtime(p.WallTime, json: false)).Append(',').Append(Runtime(p.Value, json: false)).Append('\n');
            json.Append("{\"run\":\"").Append(p.Run).Append("\",\"tag\":\"").Append(p.Tag).Append("\",\"step\":").Append(p.Step.ToString(s_invariant))
                .Append(",\"wall_time\":").Append(Runtime(p.WallTime, json: true)).Append(",\"value\":").Append(Runtime(p.Value, json: true)).Append("}\n");
        }
        foreach (int threads in new[] { 1, 3 })
        {
            Assert.AreEqual(csv.ToString(), Rows(points, json: false, threads), $"CSV, {threads} threads");
            Assert.AreEqual(json.ToString(), Rows(points, json: true, threads), $"JSON Lines, {threads} threads");
        }
    }

    [TestMethod]
    public void RowsOfLongNamesSharedTagsAndMorePairsThanTheWriterKeepsAreTheRuntimeText()
    {
        // A row's run and tag bytes are made once per pair and found again by following the order the pairs came in:
        // pairs that break the order, tag strings shared by runs (equal text in different strings too), names longer than
        // the writer's 64 KB buffer, and more pairs than it keeps (RowKeys.MaxKept) must all give the same text. (JSON
        // strings are System.Text.Json's, which writes a quote as \u0022.)
        string longTag = "long," + new string('x', 70_000);
        string otherRun = new(['r', 'u', 'n']);
        string[] tags = [.. Enumerable.Range(0, 7).Select(t => $"tag_{t}")];
        var points = new List<ScalarPoint>();
        for (int i = 0; i < 2_000; i++)
        {
            string run = (i % 5) switch { 0 => "run", 1 => otherRun, 2 => "other \"run\"", _ => "run" };
            string tag = i % 97 == 0 ? longTag : tags[i % 7];
            points.Add(new ScalarPoint(run, tag, i, 1_700_000_000 + (i * 0.5), Math.Cos(i)));
        }
        // Many runs handing out the same tag strings (as one reader's values do), twice over.
        string[] manyRuns = [.. Enumerable.Range(0, 3_000).Select(r => $"run_{r}")];
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (string run in manyRuns)
            {
                foreach (string tag in tags[..3])
                {
                    points.Add(new ScalarPoint(run, tag, pass, 1_700_000_000, pass - 0.5));
                }
            }
        }
        for (int i = 0; i < RowKeys.MaxKept + 10; i++)
        {
            points.Add(new ScalarPoint("run", $"distinct_{i}", i, 1_700_000_000, i * 0.1));
        }
        // Pairs met first again, after the writer stopped keeping new ones.
        points.Add(new ScalarPoint("run", tags[1], 1, 1, 1.5));
        points.Add(new ScalarPoint("other \"run\"", longTag, 2, 2, 2.5));
        points.Add(new ScalarPoint(manyRuns[7], tags[2], 3, 3, 3.5));
        var csv = new StringBuilder();
        var json = new StringBuilder();
        foreach (ScalarPoint p in points)
        {
            csv.Append(p.Run == "other \"run\"" ? "\"other \"\"run\"\"\"" : p.Run).Append(',').Append(p.Tag == longTag ? $"\"{longTag}\"" : p.Tag).Append(',')
                .Append(p.Step.ToString(s_invariant)).Append(',').Append(Runtime(p.WallTime, json: false)).Append(',').Append(Runtime(p.Value, json: false)).Append('\n');
            json.Append("{\"run\":").Append(p.Run == "other \"run\"" ? "\"other \\u0022run\\u0022\"" : $"\"{p.Run}\"").Append(",\"tag\":\"").Append(p.Tag).Append("\",\"step\":")
                .Append(p.Step.ToString(s_invariant)).Append(",\"wall_time\":").Append(Runtime(p.WallTime, json: true)).Append(",\"value\":")
                .Append(Runtime(p.Value, json: true)).Append("}\n");
        }
        foreach (int threads in new[] { 1, 2 })
        {
            Assert.AreEqual(csv.ToString(), Rows(points, json: false, threads), $"CSV, {threads} threads");
            Assert.AreEqual(json.ToString(), Rows(points, json: true, threads), $"JSON Lines, {threads} threads");
        }
    }

    [TestMethod]
    public void ZeroAndNegativeZeroNextToEachOtherKeepTheirOwnText()
    {
        // The writer reuses the text of a number equal to the previous one in its column: equal bits, not equal
        // doubles (0 == -0), or a -0 after a 0 would be written "0".
        ScalarPoint[] points =
        [
            new("r", "t", 0, 0.0, -0.0),
            new("r", "t", 1, -0.0, 0.0),
            new("r", "t", 2, -0.0, -0.0),
            new("r", "t", 3, 0.0, 0.0),
            new("r", "t", 4, 0.0, -0.0),
        ];
        Assert.AreEqual("r,t,0,0,-0\nr,t,1,-0,0\nr,t,2,-0,-0\nr,t,3,0,0\nr,t,4,0,-0\n", Rows([.. points], json: false, threads: 1));
        Assert.AreEqual(
            "{\"run\":\"r\",\"tag\":\"t\",\"step\":0,\"wall_time\":0,\"value\":-0}\n{\"run\":\"r\",\"tag\":\"t\",\"step\":1,\"wall_time\":-0,\"value\":0}\n",
            Rows([.. points[..2]], json: true, threads: 1));
    }

    [TestMethod]
    public void AnExportedLogDirectoryIsTheTextOfTheRuntimeFormatter()
    {
        using var temp = new TempDirectory();
        var values = new[] { 0.1f, -2.5e-38f, 1e-45f, 3.4028235e38f, 0f, -0f, 1234567.9f, 0.3333333f };
        var events = new List<Protos.Event> { Version() };
        for (int i = 0; i < values.Length; i++)
        {
            events.Add(Scalar("loss", i, values[i], 1_700_000_000.125 + i));
        }
        Write(temp.Combine("r"), "events.out.tfevents.1.x", [.. events]);
        var expected = new StringBuilder("run,tag,step,wall_time,value\n");
        for (int i = 0; i < values.Length; i++)
        {
            expected.Append("r,loss,").Append(i).Append(',').Append((1_700_000_000.125 + i).ToString(s_invariant)).Append(',')
                .Append(((double)values[i]).ToString(s_invariant)).Append('\n');
        }
        using var stream = new MemoryStream();
        LogExporter.Export(new LogDirReader(temp.Path), stream, new ExportOptions());
        Assert.AreEqual(expected.ToString(), Encoding.UTF8.GetString(stream.ToArray()));
        StringAssert.Contains(expected.ToString(), "r,loss,2,1700000002.125,1.401298464324817E-45\n");
    }

    private static string Rows(List<ScalarPoint> points, bool json, int threads)
    {
        using var stream = new MemoryStream();
        ScalarRowExport.Write(points, stream, json, progress: null, threads);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Runtime(double value, bool json) =>
        double.IsFinite(value) ? value.ToString(s_invariant)
        : (json ? "\"" : "") + (double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity") + (json ? "\"" : "");

    private static string Text(double value)
    {
        byte[] buffer = new byte[RoundTripText.MaxDoubleLength];
        return Encoding.ASCII.GetString(buffer, 0, RoundTripText.Format(value, buffer));
    }
}
