namespace TbLogger.Replay;

/// <summary>The file formats of <see cref="LogExporter"/>.</summary>
public enum ExportFormat
{
    /// <summary>Comma-separated values with a header row: run,tag,step,wall_time,value.</summary>
    Csv,

    /// <summary>JSON Lines: one object per line with run, tag, step, wall_time, value.</summary>
    JsonLines,
}
