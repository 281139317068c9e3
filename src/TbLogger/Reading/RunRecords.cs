using TbLogger.Records;

namespace TbLogger.Reading;

/// <summary>Streams the event records of a run's files in order, decoding only each event's header.</summary>
internal static class RunRecords
{
    public static IEnumerable<RecordRef> Enumerate(RunInfo run, TfRecordReaderOptions options, ByteProgress? progress = null)
    {
        long ordinal = 0;
        foreach (string file in run.Files)
        {
            Stream stream;
            try
            {
                stream = run.Storage.IsLocal ? OpenShared(file) : run.Storage.OpenRead(file);
            }
            catch (FileNotFoundException)
            {
                // Deleted between discovery and reading (e.g. a rotated file): TensorBoard skips it too.
                continue;
            }
            using var reader = new TfRecordReader(stream, options, file);
            var cursor = new ByteProgress.FileCursor(progress);
            while (reader.TryReadNext(out ReadOnlyMemory<byte> data))
            {
                cursor.At(reader.Position);
                long offset = reader.Position - data.Length - TfRecordWriter.FramingOverhead;
                if (!EventWire.TryReadHeader(data.Span, out EventHeader header))
                {
                    if (!options.SkipCorruptRecords)
                    {
                        throw new TfRecordCorruptException(file, offset, TfRecordCorruption.InvalidPayload, $"{data.Length} bytes are not an Event");
                    }
                    ordinal++;
                    continue;
                }
                yield return new RecordRef(file, offset, ordinal++, data, header);
            }
            cursor.At(reader.Position, endOfFile: true);
        }
    }

    /// <summary>Opens for reading while writers keep writing (and may delete or rename).</summary>
    public static FileStream OpenShared(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
}
