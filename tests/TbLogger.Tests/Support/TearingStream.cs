namespace TbLogger.Tests.Support;

/// <summary>
/// An appending stream (like an upload buffer) that accepts whole writes until <c>failAfterBytes</c> bytes, then
/// keeps only the part of the next write that fits and throws once: a write that fails part-way. Later writes
/// succeed again, as after a reconnect, so anything written twice would show.
/// </summary>
internal sealed class TearingStream(int failAfterBytes) : MemoryStream
{
    private bool _failed;

    public byte[] Captured { get; private set; } = [];

    public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

    public override void Write(byte[] buffer, int offset, int count)
    {
        int room = failAfterBytes - (int)Length;
        if (count > room && !_failed)
        {
            _failed = true;
            Seek(0, SeekOrigin.End);
            base.Write(buffer, offset, Math.Max(room, 0));
            throw new IOException("Connection reset during upload (simulated)");
        }
        Seek(0, SeekOrigin.End);
        base.Write(buffer, offset, count);
    }

    protected override void Dispose(bool disposing)
    {
        Captured = ToArray();
        base.Dispose(disposing);
    }
}
