namespace TbLogger.Reading.Verify;

/// <summary>How bad a verification problem is.</summary>
public enum VerifySeverity
{
    /// <summary>TensorBoard reads the data but may show something unexpected.</summary>
    Warning,

    /// <summary>Data is lost or unreadable.</summary>
    Error,
}
