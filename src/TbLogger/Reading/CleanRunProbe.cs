namespace TbLogger.Reading;

/// <summary>
/// A helper's read of one run (see <see cref="RunsAhead"/>): notes whether anything was met that a one-thread pass
/// would report, and stops the read there (<see cref="Stop"/>: the caller reads the run itself); counts the bytes it
/// reads apart from the reader's progress.
/// </summary>
internal sealed class CleanRunProbe(CancellationToken cancellation) : IDisposable, IProgress<long>
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

    public bool Dirty { get; private set; }

    /// <summary>Cancelled at the first report, or when the caller cancels.</summary>
    public CancellationToken Stop => _stop.Token;

    /// <summary>Where the read's bytes are counted (the last total it heard is <see cref="BytesRead"/>).</summary>
    public ByteProgress Progress => field ??= new ByteProgress(this);

    public long BytesRead { get; private set; }

    /// <summary>True when the read is not to be taken: it met something to report, or its pass is over.</summary>
    public bool Abandoned => Dirty || _stop.IsCancellationRequested;

    public void Report(Records.TfRecordCorruptException corrupt)
    {
        Dirty = true;
        _stop.Cancel();
    }

    /// <summary>The scalar of <paramref name="v"/>; one that does not decode marks the run dirty instead of being reported.</summary>
    public bool Scalar(in ValueRef v, out double value)
    {
        try
        {
            return LogDirReader.TryScalarCore(v.Info, v.Value, out value);
        }
        catch (Exception ex) when (LogDirReader.IsMalformed(ex))
        {
            Dirty = true;
            _stop.Cancel();
            value = 0;
            return false;
        }
    }

    void IProgress<long>.Report(long value) => BytesRead = value;

    public void Dispose() => _stop.Dispose();
}
