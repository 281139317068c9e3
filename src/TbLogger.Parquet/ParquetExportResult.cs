namespace TbLogger.Parquet;

/// <summary>What <see cref="ParquetExporter.Export"/> wrote.</summary>
/// <param name="ScalarsPath">The scalars table.</param>
/// <param name="ScalarRows">Rows in it.</param>
/// <param name="HistogramsPath">The histograms table, or null when not asked for.</param>
/// <param name="HistogramRows">Rows in it.</param>
/// <param name="PrCurvesPath">The PR curves table, or null when not asked for.</param>
/// <param name="PrCurveRows">Rows in it.</param>
/// <param name="Runs">Runs read.</param>
public sealed record ParquetExportResult(string ScalarsPath, long ScalarRows, string? HistogramsPath, long HistogramRows, string? PrCurvesPath, long PrCurveRows, int Runs)
{
    /// <summary>Rows in every table.</summary>
    public long TotalRows => ScalarRows + HistogramRows + PrCurveRows;
}
