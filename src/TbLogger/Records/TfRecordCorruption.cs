namespace TbLogger.Records;

/// <summary>What was wrong with a corrupt record.</summary>
public enum TfRecordCorruption
{
    /// <summary>The masked CRC of the 8 length bytes did not match: the length cannot be trusted.</summary>
    LengthCrcMismatch,

    /// <summary>The masked CRC of the data did not match.</summary>
    DataCrcMismatch,

    /// <summary>The length (with a valid CRC) is over <see cref="TfRecordReaderOptions.MaxRecordLength"/>.</summary>
    LengthOverLimit,

    /// <summary>The record's bytes are intact but do not decode as the expected message (e.g. an Event).</summary>
    InvalidPayload,
}
