using TbLogger.Protos;

namespace TbLogger.Reading.Verify.Loader;

/// <summary>Every event file should start with <c>Event{file_version = "brain.Event:2"}</c>; without it, readers fall back to legacy handling of steps.</summary>
internal sealed class FileVersionRule : VerifyRule
{
    /// <inheritdoc />
    public override string Name => "loader-file-version";

    /// <inheritdoc />
    public override void OnEvent(VerifyContext context, Event value)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(value);
        if (context.RecordIndex != 0)
        {
            return;
        }
        if (value.WhatCase != Event.WhatOneofCase.FileVersion)
        {
            context.Report(Name, VerifySeverity.Warning, "the first record is not a file_version event \"brain.Event:2\"");
        }
        else if (!value.FileVersion.StartsWith("brain.Event:", StringComparison.Ordinal))
        {
            context.Report(Name, VerifySeverity.Warning, $"file_version is \"{value.FileVersion}\", not \"brain.Event:2\"");
        }
    }
}
