using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Reading;

/// <summary>Streams the event records of a run's files in order, decoding only each event's header.</summary>
internal static class RunRecords
{
    /// <summary>The records of <paramref name="run"/>'s files, in order, with their event headers decoded.</summary>
    /// <param name="run">The run.</param>
    /// <param name="options">Framing options; with skipping off an event that does not decode is thrown.</param>
    /// <param name="progress">Counts bytes read, or null.</param>
    /// <param name="skipped">
    /// Told about each record skipped because its event header does not decode or it is over the value budget (the
    /// reader counts and reports it); null for a silent pre-pass such as the purge plan's, which reads the same records.
    /// </param>
    public static IEnumerable<RecordRef> Enumerate(RunInfo run, TfRecordReaderOptions options, ByteProgress? progress = null, Action<TfRecordCorruptException>? skipped = null)
    {
        long ordinal = 0;
        foreach (string file in run.Files)
        {
            using var source = EventRecordSource.TryOpen(run.Storage, file, options);
            if (source is null)
            {
                continue;
            }
            var cursor = new ByteProgress.FileCursor(progress);
            while (source.TryReadNext(out long offset, out ReadOnlyMemory<byte> data))
            {
                cursor.At(source.Records.Position);
                if (Undecodable(file, offset, data.Span, out EventHeader header) is { } corrupt)
                {
                    if (!options.SkipCorruptRecords)
                    {
                        throw corrupt;
                    }
                    skipped?.Invoke(corrupt);
                    ordinal++;
                    continue;
                }
                yield return new RecordRef(file, offset, ordinal++, data, header);
            }
            cursor.At(source.Records.Position, endOfFile: true);
        }
    }

    /// <summary>
    /// Null when <paramref name="data"/> is an event whose header decodes and whose summary is within the value
    /// budget; otherwise the corruption (<see cref="TfRecordCorruption.InvalidPayload"/>) naming file and offset.
    /// </summary>
    public static TfRecordCorruptException? Undecodable(string file, long offset, ReadOnlySpan<byte> data, out EventHeader header)
    {
        if (!EventWire.TryReadHeader(data, out header))
        {
            return new TfRecordCorruptException(file, offset, TfRecordCorruption.InvalidPayload, $"{data.Length} bytes are not an Event");
        }
        return EventBudget.Problem(data) is { } overBudget ? new TfRecordCorruptException(file, offset, TfRecordCorruption.InvalidPayload, overBudget) : null;
    }
}
