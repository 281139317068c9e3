using System.Buffers;

namespace TbLogger.Tests.Deferred;

/// <summary>
/// A pool that hands out fresh arrays and counts what comes back: every rented copy must be returned exactly once
/// (<see cref="BadReturns"/> counts returns of arrays it never lent or already got back), and
/// <see cref="MaxOutstandingBytes"/> shows how much the writer held at once.
/// </summary>
internal sealed class CountingPool(int extraLength = 3, byte? fill = null) : ArrayPool<byte>
{
    private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);

    public int Rents;
    public int Returns;
    public int BadReturns;
    public long OutstandingBytes;
    public long MaxOutstandingBytes;

    /// <summary>Arrays rented and not returned yet.</summary>
    public int Outstanding
    {
        get
        {
            lock (_out)
            {
                return _out.Count;
            }
        }
    }

    public override byte[] Rent(int minimumLength)
    {
        // Longer than asked, as a real pool's may be, and optionally holding old bytes, as a real pool's do.
        var array = new byte[minimumLength + extraLength];
        if (fill is { } value)
        {
            Array.Fill(array, value);
        }
        lock (_out)
        {
            Rents++;
            _out.Add(array);
            OutstandingBytes += array.Length;
            MaxOutstandingBytes = Math.Max(MaxOutstandingBytes, OutstandingBytes);
        }
        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        lock (_out)
        {
            Returns++;
            if (_out.Remove(array))
            {
                OutstandingBytes -= array.Length;
            }
            else
            {
                BadReturns++;
            }
        }
    }
}
