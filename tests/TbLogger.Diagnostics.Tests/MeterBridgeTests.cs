using System.Diagnostics.Metrics;
using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.Diagnostics.Tests;

[TestClass]
public sealed class MeterBridgeTests
{
    /// <summary>A clock the test moves by hand; timers are not used (Interval = infinite).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public DateTimeOffset Start { get; } = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public override DateTimeOffset GetUtcNow() => Start.AddTicks(_ticks);
    }

    private sealed class Run : IDisposable
    {
        public Run()
        {
            Directory = Path.Combine(Path.GetTempPath(), "tblogger-diag", Guid.NewGuid().ToString("N"));
            Writer = new SummaryWriter(Directory, new SummaryWriterOptions { Rank = 0, WorldSize = 1, FlushInterval = Timeout.InfiniteTimeSpan });
            MeterName = "test." + Guid.NewGuid().ToString("N");
            Meter = new Meter(MeterName);
        }

        public string Directory { get; }
        public SummaryWriter Writer { get; }
        public string MeterName { get; }
        public Meter Meter { get; }
        public ManualClock Clock { get; } = new();

        public MeterBridge Bridge(Func<long>? step = null) => new(Writer, new MeterBridgeOptions
        {
            MeterNames = [MeterName],
            Interval = Timeout.InfiniteTimeSpan,
            TimeProvider = Clock,
            Step = step,
        });

        public List<(string Tag, long Step, double WallTime, Summary.Types.Value Value)> Points()
        {
            Writer.Flush();
            return System.IO.Directory.GetFiles(Directory).SelectMany(f => EventFileReader.Read(f))
                .Where(e => e.Summary is not null)
                .SelectMany(e => e.Summary.Value.Select(v => (v.Tag, e.Step, e.WallTime, v)))
                .ToList();
        }

        public void Dispose()
        {
            Meter.Dispose();
            Writer.Dispose();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static double Scalar(Summary.Types.Value v) => v.Tensor.FloatVal[0];

    [TestMethod]
    public void Counters_become_total_and_rate_per_interval()
    {
        using var run = new Run();
        var counter = run.Meter.CreateCounter<long>("requests");
        using (var bridge = run.Bridge())
        {
            counter.Add(5);
            counter.Add(3);
            run.Clock.Advance(TimeSpan.FromSeconds(2));
            Assert.AreEqual(0L, bridge.Collect());
            counter.Add(10);
            run.Clock.Advance(TimeSpan.FromSeconds(5));
            Assert.AreEqual(1L, bridge.Collect());
            run.Clock.Advance(TimeSpan.FromSeconds(1));
        } // dispose writes the last interval: no increments
        string tag = run.MeterName + "/requests";
        var totals = run.Points().Where(p => p.Tag == tag + "/total").Select(p => (p.Step, Scalar(p.Value))).ToList();
        var rates = run.Points().Where(p => p.Tag == tag + "/rate").Select(p => (p.Step, Scalar(p.Value))).ToList();
        CollectionAssert.AreEqual(new[] { (0L, 8.0), (1L, 18.0), (2L, 18.0) }, totals);
        CollectionAssert.AreEqual(new[] { (0L, 4.0), (1L, 2.0), (2L, 0.0) }, rates);
        var wall = run.Points().First(p => p.Tag == tag + "/total").WallTime;
        Assert.AreEqual(run.Clock.Start.AddSeconds(2).ToUnixTimeMilliseconds() / 1000.0, wall, 1e-6);
    }

    [TestMethod]
    public void Histograms_summarise_each_interval_and_gauges_are_polled()
    {
        using var run = new Run();
        var latency = run.Meter.CreateHistogram<double>("latency");
        double temperature = 40;
        run.Meter.CreateObservableGauge("temperature", () => temperature);
        long step = 100;
        using var bridge = run.Bridge(() => step);
        latency.Record(1);
        latency.Record(2);
        latency.Record(4);
        bridge.Collect();
        step = 200;
        temperature = 55;
        bridge.Collect(); // no latency measurements: no histogram point
        var points = run.Points();
        var histogram = points.Single(p => p.Tag == run.MeterName + "/latency");
        Assert.AreEqual(100L, histogram.Step);
        Assert.AreEqual(3.0, histogram.Value.Histo.Num);
        Assert.AreEqual(7.0, histogram.Value.Histo.Sum);
        Assert.AreEqual(1.0, histogram.Value.Histo.Min);
        Assert.AreEqual(4.0, histogram.Value.Histo.Max);
        var gauges = points.Where(p => p.Tag == run.MeterName + "/temperature").Select(p => (p.Step, Scalar(p.Value))).ToList();
        CollectionAssert.AreEqual(new[] { (100L, 40.0), (200L, 55.0) }, gauges);
    }

    [TestMethod]
    public void Observable_counters_rate_is_the_change_of_the_total_and_tags_form_series()
    {
        using var run = new Run();
        long bytes = 1000;
        run.Meter.CreateObservableCounter("bytes", () => bytes);
        var errors = run.Meter.CreateCounter<int>("errors");
        var other = new Meter(run.MeterName + ".ignored");
        var ignored = other.CreateCounter<int>("ignored");
        using (var bridge = run.Bridge())
        {
            Assert.AreEqual(2, bridge.InstrumentCount);
            errors.Add(1, new KeyValuePair<string, object?>("kind", "io"), new KeyValuePair<string, object?>("code", 5));
            errors.Add(2, new KeyValuePair<string, object?>("code", 5), new KeyValuePair<string, object?>("kind", "io"));
            ignored.Add(1);
            run.Clock.Advance(TimeSpan.FromSeconds(10));
            bridge.Collect();
            bytes = 3000;
            run.Clock.Advance(TimeSpan.FromSeconds(10));
            bridge.Collect();
            run.Clock.Advance(TimeSpan.FromSeconds(5));
        } // the last interval: unchanged total, rate 0
        other.Dispose();
        var points = run.Points();
        string b = run.MeterName + "/bytes";
        CollectionAssert.AreEqual(new[] { 1000.0, 3000.0, 3000.0 }, points.Where(p => p.Tag == b + "/total").Select(p => Scalar(p.Value)).ToList());
        CollectionAssert.AreEqual(new[] { 200.0, 0.0 }, points.Where(p => p.Tag == b + "/rate").Select(p => Scalar(p.Value)).ToList());
        Assert.AreEqual(3.0, Scalar(points.First(p => p.Tag == run.MeterName + "/errors{code=5,kind=io}/total").Value));
        Assert.IsFalse(points.Any(p => p.Tag.Contains("ignored", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Options_are_validated()
    {
        using var run = new Run();
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MeterBridge(run.Writer, new MeterBridgeOptions { Interval = TimeSpan.Zero }));
        Assert.ThrowsExactly<ArgumentNullException>(() => new MeterBridge(null!, new MeterBridgeOptions()));
    }

    /// <summary>A clock whose timer fires only when the test says so, on the test's thread.</summary>
    private sealed class FiringClock : TimeProvider
    {
        private TimerCallback? _callback;
        private object? _state;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _callback = callback;
            _state = state;
            return new NoTimer();
        }

        public void Fire() => (_callback ?? throw new InvalidOperationException("No timer."))(_state);

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [TestMethod]
    public void A_failing_timed_collection_is_kept_in_last_error_instead_of_escaping_the_timer_thread()
    {
        // An exception escaping a timer callback ends the process; any error of a timed collection must be kept.
        using var run = new Run();
        var counter = run.Meter.CreateCounter<long>("requests");
        var clock = new FiringClock();
        bool fail = true;
        using var bridge = new MeterBridge(run.Writer, new MeterBridgeOptions
        {
            MeterNames = [run.MeterName],
            Interval = TimeSpan.FromSeconds(1),
            TimeProvider = clock,
            Step = () => fail ? throw new FormatException("the step source broke") : 5,
        });
        counter.Add(1);
        clock.Fire();
        Assert.IsInstanceOfType<FormatException>(bridge.LastError);
        fail = false;
        clock.Fire();
        Assert.AreEqual(1.0, Scalar(run.Points().Single(p => p.Tag == run.MeterName + "/requests/total").Value));
    }

    [TestMethod]
    public void A_timed_collection_that_repeats_a_step_under_step_discipline_throw_does_not_escape()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tblogger-diag", Guid.NewGuid().ToString("N"));
        using var meter = new Meter("test." + Guid.NewGuid().ToString("N"));
        var clock = new FiringClock();
        long step = 3;
        try
        {
            using var writer = new SummaryWriter(directory, new SummaryWriterOptions
            {
                Rank = 0,
                WorldSize = 1,
                FlushInterval = Timeout.InfiniteTimeSpan,
                StepDiscipline = StepDiscipline.Throw,
            });
            using var bridge = new MeterBridge(writer, new MeterBridgeOptions { MeterNames = [meter.Name], Interval = TimeSpan.FromSeconds(1), TimeProvider = clock, Step = () => step });
            var counter = meter.CreateCounter<long>("c");
            counter.Add(1);
            clock.Fire();
            counter.Add(1);
            clock.Fire(); // step 3 again
            Assert.IsInstanceOfType<ArgumentException>(bridge.LastError);
            step = 4; // dispose writes the last interval at a new step
            bridge.Dispose();
            writer.Dispose();
            var totals = Directory.GetFiles(directory).SelectMany(f => EventFileReader.Read(f)).Where(e => e.Summary is not null)
                .SelectMany(e => e.Summary.Value).Where(v => v.Tag == meter.Name + "/c/total").Select(Scalar).ToList();
            CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, totals, "the failed interval's increments are counted once");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Disposing_after_the_writer_was_disposed_does_not_throw()
    {
        using var run = new Run();
        var counter = run.Meter.CreateCounter<long>("requests");
        var bridge = run.Bridge();
        var other = new SummaryWriter(Path.Combine(run.Directory, "other"), new SummaryWriterOptions { Rank = 0, WorldSize = 1 });
        using var second = new MeterBridge(other, new MeterBridgeOptions { MeterNames = [run.MeterName], Interval = Timeout.InfiniteTimeSpan, TimeProvider = run.Clock });
        counter.Add(1);
        other.Dispose();
        second.Dispose(); // the writer went first (e.g. reversed using order): nothing to write to, nothing to throw
        Assert.IsInstanceOfType<ObjectDisposedException>(second.LastError);
        bridge.Dispose();
    }
}
