namespace TbLogger.S3;

/// <summary>An event-file segment that could not be uploaded: its key and complete bytes, so it can be saved elsewhere.</summary>
/// <param name="Uri">Where it belongs, s3://bucket/key.</param>
/// <param name="Data">The segment: TFRecords starting with the file_version event.</param>
/// <param name="Events">Events in it, the file_version event not counted.</param>
public sealed record S3PendingSegment(string Uri, ReadOnlyMemory<byte> Data, int Events);
