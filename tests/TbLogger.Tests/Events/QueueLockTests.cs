using TbLogger.Events;

namespace TbLogger.Tests.Events;

/// <summary>The queue's spin lock: mutual exclusion, and a contender that sleeps rather than spins while the holder is away.</summary>
[TestClass]
public sealed class QueueLockTests
{
    [TestMethod]
    public void ContendersWaitingLongerThanASpinSleepAndEveryCriticalSectionRunsAlone()
    {
        const int contenders = 4;
        const int rounds = 10_000;
        var queueLock = new QueueLock();
        long counter = 0;
        int inside = 0;
        int overlaps = 0;
        queueLock.Enter();
        var threads = Enumerable.Range(0, contenders).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < rounds; i++)
            {
                queueLock.Enter();
                overlaps += Interlocked.Increment(ref inside) == 1 ? 0 : 1;
                counter++; // not atomic on purpose: only the lock makes the total exact
                Interlocked.Decrement(ref inside);
                queueLock.Exit();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        // The holder stays away far longer than 30 spin-and-yield rounds (microseconds): the contenders go to sleep.
        for (int waited = 0; queueLock.BlockedEnters == 0 && waited < 30_000; waited++)
        {
            Thread.Sleep(1);
        }
        Assert.IsTrue(queueLock.BlockedEnters >= 1, "no contender went to sleep while the lock was held");
        Thread.Sleep(20); // the sleeper is past its count and inside Monitor.Wait by now
        counter += 1_000_000;
        Assert.AreEqual(0L, queueLock.Wakes);
        queueLock.Exit();
        threads.ForEach(t => Assert.IsTrue(t.Join(TimeSpan.FromSeconds(60))));
        Assert.AreEqual(1_000_000 + contenders * rounds, counter);
        Assert.AreEqual(0, overlaps);
        // The sleepers were woken by Exit, not only found the lock free at their 1 ms backstop.
        Assert.IsGreaterThanOrEqualTo(1L, queueLock.Wakes);
    }
}
