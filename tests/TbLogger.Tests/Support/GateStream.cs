namespace TbLogger.Tests.Support;

/// <summary>
/// A MemoryStream whose writes can be held: after <see cref="Close"/> of the gate, the next Write blocks (and signals
/// <see cref="Blocked"/>) until <see cref="Open"/>. Lets tests freeze the writer's worker deterministically.
/// </summary>
internal sealed class GateStream : MemoryStream
{
    private readonly ManualResetEventSlim _open = new(true);

    public ManualResetEventSlim Blocked { get; } = new(false);

    public byte[] Captured { get; private set; } = [];

    public void Close_() => _open.Reset();

    public void Open() => _open.Set();

    // MemoryStream's span overload calls the array overload in derived types, so the gate lives there.
    public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (!_open.IsSet)
        {
            Blocked.Set();
            _open.Wait();
        }
        base.Write(buffer, offset, count);
    }

    protected override void Dispose(bool disposing)
    {
        Captured = ToArray();
        base.Dispose(disposing);
    }
}
