using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TbLogger.Replay;

/// <summary>
/// The shortest text that round-trips a double, as UTF-8, character for character what .NET's default
/// <c>ToString(CultureInfo.InvariantCulture)</c> (and "R") writes for finite values: the export's reference output.
/// The digits come from Giulietti's Schubfach method ("The Schubfach way to render doubles", 2020): one 64×126-bit
/// multiplication per interval end gives the decimal expansions of the value and of the two ends of its rounding
/// interval, and the shortest decimal inside that interval, the closest to the value (ties to even), is read off
/// them. The layout then follows .NET's: plain notation while the decimal point falls within the digits, or up to
/// 17 digits, or at most 3 zeros after the point; otherwise d.dddE±XX.
/// The export's cost is dominated by this formatting: the runtime's own formatter runs a general digit generator
/// and builds a number buffer per call, which costs about twice this.
/// </summary>
internal static class RoundTripText
{
    /// <summary>Longest text written for a double: "-1.2345678901234567E-308".</summary>
    public const int MaxDoubleLength = 24;

    // Decimal exponents k the method needs: floor(log10(2^q)) over every binary exponent q of a double.
    private const int MinK = -324;
    private const int MaxK = 292;

    private const ulong Mask63 = (1UL << 63) - 1;

    // For each k, g = floor(10^-k · 2^(125 - floor(log2(10^-k)))) + 1, a 126-bit number kept as g1·2^63 + g0:
    // the scaled power of ten the value is multiplied by. Computed once, exactly, with big integers.
    private static readonly ulong[] G1 = new ulong[MaxK - MinK + 1];
    private static readonly ulong[] G0 = new ulong[MaxK - MinK + 1];

    private static ReadOnlySpan<byte> DigitPairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    static RoundTripText()
    {
        for (int k = MinK; k <= MaxK; k++)
        {
            int e = -k;
            int r = FloorLog2Pow10(e) - 125;
            BigInteger g;
            if (e >= 0)
            {
                BigInteger power = BigInteger.Pow(10, e);
                g = r >= 0 ? power >> r : power << -r;
            }
            else
            {
                g = (BigInteger.One << -r) / BigInteger.Pow(10, -e);
            }
            g += 1;
            G1[k - MinK] = (ulong)(g >> 63);
            G0[k - MinK] = (ulong)(g & Mask63);
        }
    }

    /// <summary>Writes <paramref name="value"/> (finite) into <paramref name="destination"/> (at least <see cref="MaxDoubleLength"/> bytes); returns the bytes written.</summary>
    public static int Format(double value, Span<byte> destination)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        int biased = (int)(bits >> 52) & 0x7FF;
        ulong fraction = bits & ((1UL << 52) - 1);
        if (biased == 0x7FF || destination.Length < MaxDoubleLength)
        {
            throw new ArgumentException("A finite value and a destination of at least 24 bytes are required.", nameof(value));
        }
        int pos = 0;
        if ((long)bits < 0)
        {
            destination[pos++] = (byte)'-';
        }
        ulong digits;
        int exponent;
        if (biased != 0)
        {
            int q = biased - 1075;
            ulong c = fraction | (1UL << 52);
            // An integer below 2^53: its own digits are the shortest (every other integer is another double).
            if (q < 0 && q > -53 && (c & ((1UL << -q) - 1)) == 0)
            {
                digits = c >> -q;
                exponent = 0;
            }
            else if (fraction == 0 && biased > 1)
            {
                // A power of two (other than the smallest normal) has a neighbour below twice as close as the one
                // above. .NET's formatter treats both as equally far for two of these 2,046 values (2^-958 and 2^-25)
                // and writes a shorter text that parses to the double below; the export's output is the reference,
                // so these values keep the runtime's text.
                return Runtime(value, destination);
            }
            else
            {
                digits = Shortest(q, c, irregular: false, out exponent);
            }
        }
        else if (fraction == 0)
        {
            destination[pos] = (byte)'0';
            return pos + 1;
        }
        else if (fraction < 3)
        {
            // The two smallest subnormals: a significand this short leaves the one-multiplication bound without its
            // guard digits (the paper scales them by ten and then prefers two digits, which .NET does not); they are
            // rare enough to leave to the runtime.
            return Runtime(value, destination);
        }
        else
        {
            digits = Shortest(-1074, fraction, irregular: false, out exponent);
        }
        return pos + Layout(digits, exponent, 17, destination[pos..]);
    }

    private static int Runtime<T>(T value, Span<byte> destination)
        where T : IUtf8SpanFormattable
    {
        value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>
    /// The shortest decimal digits·10^exponent inside the rounding interval of c·2^q (closest to it, ties to even),
    /// without trailing zeros. <paramref name="irregular"/>: the interval's lower half is half as wide (c is a power of two).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong Shortest(int q, ulong c, bool irregular, out int exponent)
    {
        // Four times c and the interval ends, so the half-spacing is an integer; an odd c excludes the ends
        // (round-half-even would round them to its even neighbours).
        ulong odd = c & 1;
        ulong cb = c << 2;
        ulong cbr = cb + 2;
        ulong cbl;
        int k;
        if (irregular)
        {
            cbl = cb - 1;
            k = FloorLog10ThreeQuartersPow2(q);
        }
        else
        {
            cbl = cb - 2;
            k = FloorLog10Pow2(q);
        }
        int h = q + FloorLog2Pow10(-k) + 2;
        ulong g1 = G1[k - MinK];
        ulong g0 = G0[k - MinK];
        // vb ≈ 4·v/10^k: the value and the interval ends in units of 10^k / 4, rounded to odd so comparisons with
        // exact multiples stay exact.
        ulong vb = RoundToOdd(g1, g0, cb << h);
        ulong vbl = RoundToOdd(g1, g0, cbl << h);
        ulong vbr = RoundToOdd(g1, g0, cbr << h);
        ulong s = vb >> 2;
        // 10^k is at most the interval's width and 10^(k+1) more: a multiple of 10^(k+1) inside is the one
        // shorter candidate, and at most one of the two around the value can be inside.
        ulong sp10 = s / 10 * 10;
        ulong tp10 = sp10 + 10;
        bool upin = vbl + odd <= sp10 << 2;
        bool wpin = (tp10 << 2) + odd <= vbr;
        ulong digits;
        if (upin != wpin)
        {
            digits = upin ? sp10 : tp10;
        }
        else
        {
            ulong t = s + 1;
            bool uin = vbl + odd <= s << 2;
            bool win = (t << 2) + odd <= vbr;
            if (uin != win)
            {
                digits = uin ? s : t;
            }
            else
            {
                // Both neighbours are inside: the closer one, the even one on a tie.
                long cmp = (long)(vb - ((s + t) << 1));
                digits = cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t;
            }
        }
        exponent = k;
        while (digits % 10 == 0)
        {
            digits /= 10;
            exponent++;
        }
        return digits;
    }

    /// <summary>cp·g·2^-127 rounded to odd, where g = g1·2^63 + g0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RoundToOdd(ulong g1, ulong g0, ulong cp)
    {
        ulong x1 = Math.BigMul(g0, cp, out _);
        ulong y1 = Math.BigMul(g1, cp, out ulong y0);
        ulong z = (y0 >> 1) + x1;
        ulong high = y1 + (z >> 63);
        return high | (((z & Mask63) + Mask63) >> 63);
    }

    /// <summary>floor(log10(2^q)), exact for |q| ≤ 5456721.</summary>
    internal static int FloorLog10Pow2(int q) => (int)((q * 661_971_961_083L) >> 41);

    /// <summary>floor(log10(3/4 · 2^q)), exact for |q| ≤ 5456721.</summary>
    internal static int FloorLog10ThreeQuartersPow2(int q) => (int)(((q * 661_971_961_083L) - 274_743_187_321L) >> 41);

    /// <summary>floor(log2(10^e)), exact for |e| ≤ 1838394.</summary>
    internal static int FloorLog2Pow10(int e) => (int)((e * 913_124_641_741L) >> 38);

    /// <summary>digits·10^exponent in .NET's round-trip layout; <paramref name="maxPlainDigits"/> is 17 for a double.</summary>
    private static int Layout(ulong digits, int exponent, int maxPlainDigits, Span<byte> destination)
    {
        int count = DigitCount(digits);
        // Where the decimal point falls, counted in digits from the first one.
        int scale = count + exponent;
        if (scale > Math.Max(count, maxPlainDigits) || scale < -3)
        {
            // d.ddddE±XX (at least two exponent digits).
            WriteDigits(digits, count, destination[1..]);
            destination[0] = destination[1];
            int pos = 1;
            if (count > 1)
            {
                destination[1] = (byte)'.';
                pos = count + 1;
            }
            destination[pos++] = (byte)'E';
            int e = scale - 1;
            destination[pos++] = e < 0 ? (byte)'-' : (byte)'+';
            e = Math.Abs(e);
            if (e >= 100)
            {
                destination[pos++] = (byte)('0' + (e / 100));
                e %= 100;
            }
            destination[pos++] = DigitPairs[2 * e];
            destination[pos++] = DigitPairs[(2 * e) + 1];
            return pos;
        }
        if (scale <= 0)
        {
            // 0.000ddd
            int zeros = -scale;
            destination[0] = (byte)'0';
            destination[1] = (byte)'.';
            destination.Slice(2, zeros).Fill((byte)'0');
            WriteDigits(digits, count, destination[(2 + zeros)..]);
            return 2 + zeros + count;
        }
        if (scale >= count)
        {
            // ddd000
            WriteDigits(digits, count, destination);
            destination.Slice(count, scale - count).Fill((byte)'0');
            return scale;
        }
        // ddd.ddd: write the digits one place right, then move the integer part left over the point.
        WriteDigits(digits, count, destination[1..]);
        destination.Slice(1, scale).CopyTo(destination);
        destination[scale] = (byte)'.';
        return count + 1;
    }

    private static int DigitCount(ulong value)
    {
        // log10 from the bit length, corrected by one comparison.
        int bits = 64 - BitOperations.LeadingZeroCount(value | 1);
        int guess = (bits * 1233) >> 12;
        return guess + (value >= PowerOfTen(guess) ? 1 : 0);
    }

    private static ulong PowerOfTen(int n) => PowersOfTen[n];

    // An array, not a span over the assembly's data: unoptimised code (a Debug build, tier 0) builds that span through a
    // field handle it allocates on every call, 72 bytes per number formatted.
    private static readonly ulong[] PowersOfTen =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ];

    /// <summary>
    /// The <paramref name="count"/> digits of <paramref name="value"/> (below 10^17), right to left: eight at a time
    /// as 32-bit numbers, split into four independent pairs, then the rest two at a time. A 64-bit division per pair
    /// of digits, each waiting for the one before, was a sixth of the export's formatting (issue 19).
    /// </summary>
    private static void WriteDigits(ulong value, int count, Span<byte> destination)
    {
        int pos = count;
        while (value >= 100_000_000)
        {
            ulong next = value / 100_000_000;
            pos -= 8;
            WriteEightDigits((uint)(value - (next * 100_000_000)), destination.Slice(pos, 8));
            value = next;
        }
        uint rest = (uint)value;
        while (rest >= 100)
        {
            uint next = rest / 100;
            WritePair(rest - (next * 100), destination.Slice(pos -= 2, 2));
            rest = next;
        }
        if (rest >= 10)
        {
            WritePair(rest, destination.Slice(pos - 2, 2));
        }
        else
        {
            destination[pos - 1] = (byte)('0' + (int)rest);
        }
    }

    /// <summary>Exactly eight digits of <paramref name="value"/> (below 10^8), leading zeros included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteEightDigits(uint value, Span<byte> destination)
    {
        uint high = value / 10_000;
        uint low = value - (high * 10_000);
        uint a = high / 100;
        uint b = low / 100;
        WritePair(a, destination[..2]);
        WritePair(high - (a * 100), destination.Slice(2, 2));
        WritePair(b, destination.Slice(4, 2));
        WritePair(low - (b * 100), destination.Slice(6, 2));
    }

    /// <summary>The two digits of <paramref name="pair"/> (below 100).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WritePair(uint pair, Span<byte> destination) => DigitPairs.Slice((int)pair * 2, 2).CopyTo(destination);
}
