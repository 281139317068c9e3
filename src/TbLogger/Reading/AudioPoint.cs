namespace TbLogger.Reading;

/// <summary>One audio clip.</summary>
/// <param name="Run">The run name.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Step">The step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Sample">Index of the clip within its event.</param>
/// <param name="SampleRate">Samples per second (from Summary.Audio, or from the WAV header of a TF2 tensor).</param>
/// <param name="Channels">Channels.</param>
/// <param name="Frames">Frames (samples per channel).</param>
/// <param name="ContentType">The stored content type, e.g. "audio/wav".</param>
/// <param name="Encoded">The encoded clip, a copy owned by this record.</param>
public sealed record AudioPoint(string Run, string Tag, long Step, double WallTime, int Sample, float SampleRate, long Channels, long Frames, string ContentType, ReadOnlyMemory<byte> Encoded);
