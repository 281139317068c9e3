using System.CommandLine;
using TbLogger.Reading;

namespace TbLogger.Cli;

/// <summary>
/// <c>--loader data-server|python</c>: whose rules decide which points of a resumed or rewound run are shown
/// (<see cref="LogDirReaderOptions.Loader"/>). The default is TensorBoard's default loader, its Rust data server;
/// <c>python</c> is what <c>tensorboard --load_fast=false</c> shows.
/// </summary>
internal static class LoaderOption
{
    public const string DataServer = "data-server";

    public const string Python = "python";

    public static Option<string> Create()
    {
        var option = new Option<string>("--loader")
        {
            Description = "Show what this TensorBoard loader shows: data-server (TensorBoard's default) or python (--load_fast=false). They differ after a resume for a tag not logged again, and for steps that repeat or go back.",
            DefaultValueFactory = _ => DataServer,
        };
        option.AcceptOnlyFromAmong(DataServer, Python);
        return option;
    }

    /// <summary>The reader options for the parsed value.</summary>
    public static LogDirReaderOptions Options(ParseResult parse, Option<string> option) =>
        LogDirReaderOptions.Default with { Loader = parse.GetValue(option) == Python ? TensorBoardLoader.Python : TensorBoardLoader.DataServer };
}
