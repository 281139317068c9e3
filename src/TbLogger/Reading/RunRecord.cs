using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.Reading;

/// <summary>
/// One record of a run as <see cref="LogDirReader"/> reads it for a replay: its event, decoded; or, for a record of
/// one of the scalar layouts (<see cref="EventShape.MatchScalar"/>) that nothing purged, not decoded: its layout and
/// tag, and where the value's field after the tag starts (its step and wall time are the record's
/// <see cref="RecordRef.Header"/>). <see cref="Record"/>'s bytes are valid only until the read moves on.
/// </summary>
/// <param name="Record">The record.</param>
/// <param name="Event">The event; null for an undecoded scalar.</param>
/// <param name="Layout">The scalar layout, or <see cref="ScalarLayout.None"/> for a decoded event.</param>
/// <param name="Tag">The scalar's tag.</param>
/// <param name="ValueFieldAt">Where the scalar value's field after its tag starts in the record.</param>
/// <param name="ValueAt">Where the scalar's 4 or 8 little-endian bytes start in the record.</param>
internal readonly record struct RunRecord(RecordRef Record, Event? Event, ScalarLayout Layout, string? Tag, int ValueFieldAt, int ValueAt);
