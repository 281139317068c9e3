namespace TbLogger.Reading.Verify;

/// <summary>One problem found by <see cref="LogVerifier"/>.</summary>
/// <param name="File">The event file.</param>
/// <param name="Offset">Byte offset of the record (or corrupt stretch) concerned.</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Rule">Which check found it: "framing", "decode", or a <see cref="VerifyRule.Name"/>.</param>
/// <param name="Message">One line saying what is wrong.</param>
public sealed record VerifyProblem(string File, long Offset, VerifySeverity Severity, string Rule, string Message);
