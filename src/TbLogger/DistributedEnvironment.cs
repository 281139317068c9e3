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

    /// <summary>The first complete, valid pair of rank and world size in the environment.</summary>
    /// <param name="rank">The process's rank, 0 when not found.</param>
    /// <param name="worldSize">The number of processes, 1 when not found.</param>
    /// <returns>True when a launcher's variables were found.</returns>
    public static bool TryRead(out int rank, out int worldSize)
    {
        foreach (var (rankName, sizeName) in s_variables)
        {
            if (int.TryParse(Environment.GetEnvironmentVariable(rankName), NumberStyles.None, CultureInfo.InvariantCulture, out rank)
                && int.TryParse(Environment.GetEnvironmentVariable(sizeName), NumberStyles.None, CultureInfo.InvariantCulture, out worldSize)
                && worldSize >= 1 && rank < worldSize)
            {
                return true;
            }
        }
        rank = 0;
        worldSize = 1;
        return false;
    }
}
