using System.Globalization;

namespace TbLogger;

/// <summary>
/// Reads the rank and world size that launchers put in the environment: torchrun/torch.distributed
/// (RANK, WORLD_SIZE), Open MPI (OMPI_COMM_WORLD_RANK/SIZE), MPICH and Intel MPI (PMI_RANK/SIZE) and Slurm
/// (SLURM_PROCID, SLURM_NTASKS), in that order.
/// </summary>
public static class DistributedEnvironment
{
    private static readonly (string Rank, string Size)[] s_variables =
    [
        ("RANK", "WORLD_SIZE"),
        ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
        ("PMI_RANK", "PMI_SIZE"),
        ("SLURM_PROCID", "SLURM_NTASKS"),
    ];

    /// <summary>
    /// The first complete pair of rank and world size in the environment (both variables set and not empty). A pair
    /// that is present but malformed is an error rather than skipped: falling back to rank 0 would make every process
    /// of the job write as rank 0.
    /// </summary>
    /// <param name="rank">The process's rank, 0 when not found.</param>
    /// <param name="worldSize">The number of processes, 1 when not found.</param>
    /// <returns>True when a launcher's variables were found.</returns>
    /// <exception cref="InvalidOperationException">
    /// A complete pair is malformed: a value that is not a non-negative integer, a world size below 1, or a rank not
    /// below the world size. The message names the variables and their values.
    /// </exception>
    public static bool TryRead(out int rank, out int worldSize)
    {
        foreach (var (rankName, sizeName) in s_variables)
        {
            string? rankText = Environment.GetEnvironmentVariable(rankName);
            string? sizeText = Environment.GetEnvironmentVariable(sizeName);
            if (string.IsNullOrWhiteSpace(rankText) || string.IsNullOrWhiteSpace(sizeText))
            {
                continue; // not this launcher (or an incomplete pair): the next one may be set
            }
            rank = Parse(rankName, rankText);
            worldSize = Parse(sizeName, sizeText);
            if (worldSize < 1)
            {
                throw new InvalidOperationException($"The environment variable {sizeName}='{sizeText}' must be at least 1 (the number of processes of the job).");
            }
            if (rank >= worldSize)
            {
                throw new InvalidOperationException(
                    $"The environment variables {rankName}='{rankText}' and {sizeName}='{sizeText}' disagree: the rank must be below the world size.");
            }
            return true;
        }
        rank = 0;
        worldSize = 1;
        return false;
    }

    private static int Parse(string name, string text)
    {
        const NumberStyles Style = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;
        if (!int.TryParse(text, Style, CultureInfo.InvariantCulture, out int value))
        {
            throw new InvalidOperationException(
                $"The environment variable {name}='{text}' is not a non-negative integer; fix or unset it.");
        }
        return value;
    }
}
