namespace TbLogger.Reading;

/// <summary>
/// Which of TensorBoard 2.20's two loaders a <see cref="LogDirReader"/> reproduces when it decides which points of a
/// run survive (<see cref="LogDirReaderOptions.Loader"/>). They agree on everything TbLogger writes except one corner:
/// after a resume, a tag the resumed writer never logs again keeps its old points at steps &gt;= the purge step under
/// <see cref="DataServer"/> and loses them under <see cref="Python"/>.
/// </summary>
public enum TensorBoardLoader
{
    /// <summary>
    /// The default since TensorBoard 2.5 (the Rust data server): files of a run are read in name order, SessionLog is
    /// ignored, and per tag a point at step s evicts every kept point at step &gt;= s.
    /// </summary>
    DataServer = 0,

    /// <summary>
    /// <c>--load_fast=false</c> (<c>plugin_event_accumulator</c>): in files of version 2 the run's first
    /// <c>SessionLog START</c> is ignored and every later one drops all points at steps &gt;= its step; in older
    /// files a summary whose step goes back drops its own tags' points at steps &gt;= it. Repeated steps are kept.
    /// </summary>
    Python = 1,
}
