namespace TbLogger.Events;

/// <summary>
/// The event file queue's lock: a compare-and-swap spin lock around the queue's short critical sections (queue one
/// item, swap a batch), and a monitor on which a thread that has to wait (the worker with nothing to do, a producer
/// facing a full queue, a Flush) sleeps until another thread reports a change.
/// </summary>
/// <remarks>
/// Why not <c>lock</c>: on the 2-core machines this library is measured on, an uncontended Monitor enter and exit cost
/// about 21 ns and 30–67 ns per call from 2–8 threads, a compare-and-swap lock 9–13 ns (issue 19). The sections it
/// guards never block; a thread that finds it taken spins briefly and yields its core a few times. If the lock is
/// still taken after that, its holder was most likely descheduled (8 producers on 2 cores): the thread then sleeps
/// until <see cref="Exit"/> wakes it, instead of yielding in a loop that burns the core the holder needs.
/// Sleepers are rare (a full queue, a Flush, an idle worker), so <see cref="Changed"/> touches the monitor only when
/// one is asleep.
/// </remarks>
internal sealed class QueueLock
{
    // SpinWait's first 10 rounds spin, the next ones yield; after this many the holder is taken to be descheduled.
    private const int SpinRoundsBeforeBlocking = 30;

    private readonly object _sleepers = new();
    private readonly object _blocked = new();
    private int _taken;
    private int _blockedEnterers;
    private long _version;
    private int _sleeping;

    /// <summary>Takes the lock; pair with <see cref="Exit"/> in a finally block.</summary>
    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    /// <summary>Releases the lock, waking a thread that gave up spinning for it.</summary>
    public void Exit()
    {
        Volatile.Write(ref _taken, 0);
        if (Volatile.Read(ref _blockedEnterers) != 0)
        {
            WakeBlocked();
        }
    }

    private void WakeBlocked()
    {
        lock (_blocked)
        {
            _wakes++;
            Monitor.Pulse(_blocked);
        }
    }

    /// <summary>Times <see cref="Exit"/> woke a thread sleeping in <see cref="Enter"/> (for tests: the 1 ms backstop alone would hide a missing wake-up).</summary>
    public long Wakes
    {
        get
        {
            lock (_blocked)
            {
                return _wakes;
            }
        }
    }

    private long _wakes;

    /// <summary>
    /// Holding the lock: releases it, sleeps until <see cref="Changed"/> is called (or <paramref name="timeoutMs"/>
    /// passes), and takes it again. It may return early: callers re-check their condition in a loop.
    /// </summary>
    public void Wait(int timeoutMs = Timeout.Infinite)
    {
        long seen = _version;
        _sleeping++;
        Exit();
        try
        {
            lock (_sleepers)
            {
                // A Changed after our Exit and before this check has moved the version on; after it, it pulses us.
                if (Volatile.Read(ref _version) == seen)
                {
                    Monitor.Wait(_sleepers, timeoutMs);
                }
            }
        }
        finally
        {
            Enter();
            _sleeping--;
        }
    }

    /// <summary>Holding the lock: wakes every thread sleeping in <see cref="Wait"/> to re-check the state.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref _version);
        if (_sleeping > 0)
        {
            // Lock order is always this spin lock, then the monitor: a sleeper never takes the spin lock while holding it.
            lock (_sleepers)
            {
                Monitor.PulseAll(_sleepers);
            }
        }
    }

    /// <summary>Times a thread that gave up spinning went to sleep in <see cref="Enter"/> (for tests and measurements).</summary>
    public long BlockedEnters => Interlocked.Read(ref _blockedEnters);

    private long _blockedEnters;

    private void EnterContended()
    {
        var spin = new SpinWait();
        do
        {
            if (spin.Count >= SpinRoundsBeforeBlocking)
            {
                EnterBlocking();
                return;
            }
            // -1: yield the core (Thread.Yield / Sleep(0)) but never Sleep(1); the holder usually needs only a moment.
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _taken) != 0 || Interlocked.CompareExchange(ref _taken, 1, 0) != 0);
    }

    private void EnterBlocking()
    {
        Interlocked.Increment(ref _blockedEnters);
        lock (_blocked)
        {
            // Counted before the last check: an Exit after it sees the count and pulses. The 1 ms timeout covers an
            // Exit whose read of the count was ordered before our increment became visible (its store and load are
            // not fenced, to keep the uncontended Exit a plain store).
            Interlocked.Increment(ref _blockedEnterers);
            try
            {
                while (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
                {
                    Monitor.Wait(_blocked, 1);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _blockedEnterers);
            }
        }
    }
}
