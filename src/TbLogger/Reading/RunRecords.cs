using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Reading;

/// <summary>Streams the event records of a run's files in order, decoding only each event's header.</summary>
internal static class RunRecords
{
    public static IEnumerable<RecordRef> Enumerate(RunInfo run, TfRecordReaderOptions options, ByteProgress? progress = null)
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
                if (!EventWire.TryReadHeader(data.Span, out EventHeader header) || EventBudget.Problem(data.Span) is { } overBudget)
                {
                    if (!options.SkipCorruptRecords)
                    {
                        throw new TfRecordCorruptException(file, offset, TfRecordCorruption.InvalidPayload, EventBudget.Problem(data.Span) ?? $"{data.Length} bytes are not an Event");
                    }
                    ordinal++;
                    continue;
                }
                yield return new RecordRef(file, offset, ordinal++, data, header);
            }
            cursor.At(source.Records.Position, endOfFile: true);
        }
    }
}
