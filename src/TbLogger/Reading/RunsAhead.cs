namespace TbLogger.Reading;

/// <summary>
/// Work over a directory's runs on several threads that ends exactly as a one-thread pass in run order: run r is made
/// ahead on thread r mod workers (0 is the caller's), so the caller always has a run of its own to do while a helper
/// does the next one (fixed shares: see ScalarRuns.Parallel). A helper's attempt only succeeds for a clean run: one
/// that met anything to report (a corrupt record, a value that does not decode, a strict read's error, an I/O error)
/// is done again by the caller when it gets there, reporting and throwing as a one-thread pass does, so nothing is
/// held back and nothing is said twice or out of order. Used by <see cref="LogDirReader.Summarize"/> and the replay.
/// </summary>
internal static class RunsAhead
{
    /// <summary>Runs <paramref name="count"/> runs on <paramref name="workers"/> threads (the caller's among them).</summary>
    /// <typeparam name="T">What a helper made of a run.</typeparam>
    /// <param name="count">Runs, by index.</param>
    /// <param name="workers">Threads, at least 2.</param>
    /// <param name="ahead">
    /// A helper's attempt at run r: what it made, or null when the caller must do the run itself. It reports nothing
    /// and ends soon after the token is cancelled; an exception counts as null (the caller meets it again).
    /// </param>
    /// <param name="take">
    /// On the caller's thread, in run order: run r with what its helper made, or null for the caller to do it (its own
    /// runs and those a helper left). An exception ends the pass and is thrown.
    /// </param>
    /// <param name="discard">
    /// Undoes what a helper made of a run the pass did not get past: the run whose take threw and those after it;
    /// called on the caller's thread after every helper has stopped. Null when there is nothing to undo.
    /// </param>
    /// <returns>How many runs were taken as a helper made them (for tests: the helpers did share the work).</returns>
    public static int Run<T>(int count, int workers, Func<int, CancellationToken, T?> ahead, Action<int, T?> take, Action<T>? discard = null)
        where T : class
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 2);
        // Per run: what its helper made (null: the caller does it), once done[r].
        var made = new T?[count];
        var done = new bool[count];
        object gate = new();
        using var cancel = new CancellationTokenSource();
        var helpers = new Task[workers - 1];
        for (int h = 1; h < workers; h++)
        {
            int first = h;
            // Not started with the token: a helper cancelled before it ran would make WaitAll below throw.
            helpers[h - 1] = Task.Factory.StartNew(() => Help(first), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        int next = 0;
        int taken = 0;
        try
        {
            for (; next < count; next++)
            {
                T? aheadOfCaller = null;
                if (next % workers != 0)
                {
                    lock (gate)
                    {
                        while (!done[next])
                        {
                            Monitor.Wait(gate);
                        }
                        aheadOfCaller = made[next];
                    }
                }
                // Left in made[next] until its take returns: a take that throws leaves it to the discard below.
                take(next, aheadOfCaller);
                made[next] = null;
                taken += aheadOfCaller is null ? 0 : 1;
            }
            return taken;
        }
        finally
        {
            cancel.Cancel();
            // Each helper ends at its next record: none works on after the call returns or throws.
            Task.WaitAll(helpers);
            if (discard is not null)
            {
                for (int r = next; r < count; r++)
                {
                    if (made[r] is { } untaken)
                    {
                        discard(untaken);
                    }
                }
            }
        }

        void Help(int first)
        {
            try
            {
                for (int r = first; r < count && !cancel.IsCancellationRequested; r += workers)
                {
                    T? result;
                    try
                    {
                        result = ahead(r, cancel.Token);
                    }
                    catch (Exception)
                    {
                        // Whatever the attempt met (its probe stopping it, a strict read's corruption, an I/O error,
                        // the pass ending): the caller does the run again and meets it where a one-thread pass would.
                        result = null;
                    }
                    lock (gate)
                    {
                        made[r] = result;
                        done[r] = true;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            finally
            {
                // However the helper ends, the caller does not wait for runs it will not make: it does them.
                lock (gate)
                {
                    for (int r = first; r < count; r += workers)
                    {
                        done[r] = true;
                    }
                    Monitor.PulseAll(gate);
                }
            }
        }
    }
}
