namespace TbLogger.Tests.Support;

/// <summary>A writable stream that accepts <c>allowedWrites</c> writes and then fails every write with an IOException.</summary>
internal sealed class FailingStream(int allowedWrites) : MemoryStream
{
    private int _writes;

    public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (++_writes > allowedWrites)
        {
            throw new IOException("No space left on device (simulated)");
        }
        base.Write(buffer, offset, count);
    }
}
