using System.Diagnostics;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;

namespace TbLogger.Events;

/// <summary>
/// The next events of an <see cref="EventFileReader"/>, decoded ahead from the verified records already in its framing
/// reader's buffer, by the caller's thread and a thread-pool thread beside it.
/// <para>
/// Why: an Event is about 20 protobuf objects (the tensor alone allocates 13 repeated fields), so one thread builds at
/// most about 5-6 M/s however fast the records are read; allocation scales with threads, so a second core nearly
/// doubles it (issue 19).
/// </para>
/// <para>
/// What stays as it was: a batch holds only consecutive records the framing reader had already read and verified
/// (<see cref="TfRecordReader.TryTakeBuffered"/>), so the end, truncation and corruption of the framing are met by
/// the one-record path as before; a record that is not an Event fails where it is delivered, after every event
/// before it. Batches start small and double while they fill (8 to <see cref="MaxRecords"/>), so a reader that wants
/// the first few events decodes few more, and they stay small enough that the events waiting in one are not worth a
/// collector's promotion (4,096 made most gen-0 collections gen-1 ones).
/// </para>
/// <para>
/// How the two threads share a batch: it is cut into chunks of <see cref="Chunk"/> records, each claimed whole by
/// one thread. The helper claims the next free chunk as soon as it is done with one; the caller builds a chunk only
/// when it gets to one no one has claimed, or, while the helper builds the chunk it gets to, the next free one. So the
/// helper stays a chunk or two ahead and few events wait in a batch. A helper that has not finished a chunk when the
/// caller has waited <see cref="s_waitTicks"/> for it (descheduled on a busy machine, or failing) loses it: the caller
/// builds it into arrays of its own; the batch's arrays are then left to the helper, and the framing reader moves on
/// to a new buffer when it next makes room, instead of moving bytes under the helper (<see cref="End"/>). So the
/// caller never waits long for the helper, and without one (a single core, a starved thread pool, the
/// <see cref="SingleThreadSwitch"/> switch) reads as on its own.
/// </para>
/// </summary>
internal sealed class EventBatch : IThreadPoolWorkItem
{
    /// <summary>
    /// The AppContext switch that keeps all decoding on the calling thread (set it for a process that reads many
    /// files at once on every core, where a helper per reader would only add hand-offs).
    /// </summary>
    public const string SingleThreadSwitch = "TbLogger.EventFileReader.SingleThreaded";

    /// <summary>Records in the largest batch.</summary>
    private const int MaxRecords = 512;

    /// <summary>Records in the first batch.</summary>
    private const int FirstRecords = 8;

    /// <summary>Records per chunk, the unit each thread claims (a few microseconds of building).</summary>
    private const int Chunk = 32;

    /// <summary>Records a batch needs before a helper is asked: fewer cost more to hand over than they take to build.</summary>
    private const int HelpFrom = 64;

    /// <summary>Batches read without a helper at most, after batches it did not help with (see <see cref="End"/>).</summary>
    private const int MaxPause = 64;

    /// <summary>How long the caller waits for a helper's chunk before building it itself: several chunks' worth.</summary>
    private static readonly long s_waitTicks = Stopwatch.Frequency / 20_000;

    // A chunk's states. Only the helper moves Free to Helping and Helping to Built; only the caller moves Free to
    // Callers (built into the batch's arrays) and Helping to Taken (built into arrays of its own).
    private const int Free = 0;
    private const int Helping = 1;
    private const int Built = 2;
    private const int Callers = 3;
    private const int Taken = 4;

    private readonly string _path;
    private readonly Utf8StringCache _callerNames;
    private readonly bool _helped;
    // Used only by the one helper job queued or running at a time (_queued).
    private Utf8StringCache? _helperNames;
    private Records _records = new();
    private Records? _published;
    private int _generation;
    private int _queued;
    private int _limit = FirstRecords;
    private int _pause;
    private int _skip;
    private bool _open;
    private int _next;
    // The chunk being delivered: its events and failures, the record index its arrays start at, and where it ends.
    private Event?[] _events = [];
    private Exception?[] _failures = [];
    private int _base;
    private int _readyUntil;

    /// <param name="path">The file, for messages.</param>
    /// <param name="callerNames">The reader's tag cache, used on the caller's thread.</param>
    public EventBatch(string path, Utf8StringCache callerNames)
    {
        _path = path;
        _callerNames = callerNames;
        _helped = Environment.ProcessorCount > 1 && !(AppContext.TryGetSwitch(SingleThreadSwitch, out bool single) && single);
    }

    /// <summary>Chunks the caller took back from a helper that held them too long (for tests).</summary>
    internal int TakenFromHelper { get; private set; }

    /// <summary>Chunks the helper built that the caller delivered (for tests).</summary>
    internal int ChunksFromHelper { get; private set; }

    /// <summary>True when the batch being read asked for a helper (for tests).</summary>
    internal bool HelperAsked => _records.Asked;

    /// <summary>
    /// Called on the helper's thread with each chunk it claims and the buffer its records are in, before building it
    /// (for tests: a helper descheduled or failing there).
    /// </summary>
    internal Action<int, byte[]>? HelperClaimed { get; set; }

    /// <summary>Called on the helper's thread with each chunk it built and handed over (for tests).</summary>
    internal Action<int>? HelperBuilt { get; set; }

    /// <summary>True while the batch holds records not yet delivered.</summary>
    public bool Pending => _next < _records.Count;

    /// <summary>Where the next undelivered record starts; only while <see cref="Pending"/>.</summary>
    public long NextOffset => _records.Offsets[_next];

    /// <summary>
    /// Takes up to the batch's size in records the framing reader holds whole and verified, and asks the helper.
    /// False when it holds none: the caller reads one record the general way (which reads more of the file).
    /// </summary>
    public bool Fill(TfRecordReader reader)
    {
        End(reader);
        Records records = _records;
        int count = 0;
        int limit = _limit;
        while (count < limit && reader.TryTakeBuffered(out byte[] buffer, out int start, out int length))
        {
            records.Buffer = buffer;
            records.Starts[count] = start;
            records.Lengths[count] = length;
            records.Offsets[count] = reader.Position - length - TfRecordWriter.FramingOverhead;
            count++;
        }
        (_next, _readyUntil) = (0, 0);
        records.Count = count;
        if (count == 0)
        {
            return false;
        }
        _open = true;
        if (count == limit)
        {
            _limit = Math.Min(limit * 2, MaxRecords);
        }
        for (int c = 0; c < records.Chunks; c++)
        {
            // Released after the records above: a helper that claims a chunk sees them.
            Volatile.Write(ref records.States[c], Free);
        }
        if (count >= HelpFrom && _helped && _skip-- <= 0)
        {
            records.Asked = true;
            Volatile.Write(ref _published, records);
            Interlocked.Increment(ref _generation);
            if (Interlocked.CompareExchange(ref _queued, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
        return true;
    }

    /// <summary>
    /// Ends the batch, before the framing reader reads on: claims the chunks no one built (their records were read as
    /// views), and when the helper may still use the batch (a chunk it holds, or one taken from it) leaves it the
    /// batch's arrays and the framing reader's buffer (which the framing reader would otherwise compact under it).
    /// </summary>
    public void End(TfRecordReader reader)
    {
        if (!_open)
        {
            return;
        }
        _open = false;
        Records records = _records;
        if (records.Asked)
        {
            // A helper that built less than a quarter of the last batch it was asked for is not getting a core (a busy
            // machine): waking it costs the caller more than it gives, so ask again only after a growing pause.
            bool helped = records.BuiltByHelper() * 4 >= records.Chunks;
            _pause = helped ? 0 : Math.Min(Math.Max(1, _pause * 2), MaxPause);
            _skip = _pause;
            records.Asked = false;
        }
        if (!records.Close())
        {
            _records = new Records();
            reader.ShareBuffer();
        }
    }

    /// <summary>The next record's event, or its failure (a <see cref="TfRecordCorruptException"/> goes to <paramref name="reject"/>; anything else is thrown).</summary>
    /// <returns>The event; null when the record was rejected without throwing (skipped).</returns>
    public Event? Take(Action<TfRecordCorruptException> reject)
    {
        int i = _next;
        if (i >= _readyUntil)
        {
            Ready(i / Chunk);
        }
        _next = i + 1;
        int k = i - _base;
        Event? value = _events[k];
        Exception? failure = _failures[k];
        // Delivered events are the caller's: the batch keeps no reference to them.
        (_events[k], _failures[k]) = (null, null);
        return EventRecordDecoder.Deliver(value, failure, reject);
    }

    /// <summary>The next record itself, its event not needed (a view is read instead); valid until the next read.</summary>
    public ReadOnlySpan<byte> TakeRecord(out long offset)
    {
        Records records = _records;
        int i = _next++;
        offset = records.Offsets[i];
        return new ReadOnlySpan<byte>(records.Buffer, records.Starts[i], records.Lengths[i]);
    }

    /// <summary>
    /// Makes chunk <paramref name="c"/>'s events ready to deliver: the helper's, waited for (building the next free
    /// chunk meanwhile, if there is one); built by the caller now if no one has claimed it; or taken from a helper that
    /// holds it too long and built into arrays of the caller's own.
    /// </summary>
    private void Ready(int c)
    {
        Records records = _records;
        ref int state = ref records.States[c];
        long deadline = 0;
        var spin = new SpinWait();
        while (true)
        {
            int now = Volatile.Read(ref state);
            Debug.Assert(now != Taken, "a chunk is taken only here, and then delivered");
            if (now is Built or Callers)
            {
                ChunksFromHelper += now == Built ? 1 : 0;
                (_events, _failures, _base) = (records.Events, records.Failures, 0);
                break;
            }
            if (now == Free)
            {
                // Built here, or claimed by the helper meanwhile: either way the next look says which.
                BuildIfFree(records, c);
                continue;
            }
            if (now == Helping && deadline != 0 && Stopwatch.GetTimestamp() > deadline
                && Interlocked.CompareExchange(ref state, Taken, Helping) == Helping)
            {
                // The helper may still write this chunk's slots of the batch's arrays: build into new ones (rare).
                TakenFromHelper++;
                records.AnyTaken = true;
                var events = new Event?[Chunk];
                var failures = new Exception?[Chunk];
                BuildChunk(records, c, _callerNames, events, failures, 0);
                (_events, _failures, _base) = (events, failures, c * Chunk);
                break;
            }
            if (now == Helping && !BuildNextFree(records, c + 1))
            {
                if (deadline == 0)
                {
                    deadline = Stopwatch.GetTimestamp() + s_waitTicks;
                }
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
        _readyUntil = records.ChunkEnd(c);
    }

    /// <summary>Builds the first unclaimed chunk from <paramref name="from"/> on, if any, on the caller's thread.</summary>
    private bool BuildNextFree(Records records, int from)
    {
        for (int d = from; d < records.Chunks; d++)
        {
            if (BuildIfFree(records, d))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Claims chunk <paramref name="c"/> for the caller and builds it into the batch's arrays, if no one has claimed it.</summary>
    private bool BuildIfFree(Records records, int c)
    {
        ref int state = ref records.States[c];
        if (Volatile.Read(ref state) != Free || Interlocked.CompareExchange(ref state, Callers, Free) != Free)
        {
            return false;
        }
        BuildChunk(records, c, _callerNames, records.Events, records.Failures, c * Chunk);
        return true;
    }

    /// <summary>The helper: claims chunks of the newest batch, until a batch has none left and no newer one came.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        try
        {
            while (true)
            {
                int generation = Volatile.Read(ref _generation);
                if (Volatile.Read(ref _published) is { } records)
                {
                    Help(records);
                }
                if (Volatile.Read(ref _generation) != generation)
                {
                    continue;
                }
                // A full fence: the check below must not be read before the job is marked done.
                Interlocked.Exchange(ref _queued, 0);
                // A batch published after the check above found the job still queued and did not queue another.
                if (Volatile.Read(ref _generation) == generation || Interlocked.CompareExchange(ref _queued, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception)
        {
            // Never seen, and nothing is lost: the caller takes any chunk left Helping and builds it itself.
            Interlocked.Exchange(ref _queued, 0);
        }
    }

    private void Help(Records records)
    {
        Utf8StringCache names = _helperNames ??= new Utf8StringCache();
        int chunks = records.Chunks;
        for (int c = 0; c < chunks; c++)
        {
            ref int state = ref records.States[c];
            if (Volatile.Read(ref state) != Free || Interlocked.CompareExchange(ref state, Helping, Free) != Free)
            {
                continue;
            }
            HelperClaimed?.Invoke(c, records.Buffer);
            if (!BuildChunk(records, c, names, records.Events, records.Failures, c * Chunk))
            {
                // Not a record's fault that the caller would meet too (out of memory, say): the chunk stays Helping, so
                // the caller takes it and decodes it itself, and this job ends.
                return;
            }
            // Fails when the caller took the chunk meanwhile: it delivers its own events, and these are never read.
            if (Interlocked.CompareExchange(ref state, Built, Helping) == Helping)
            {
                HelperBuilt?.Invoke(c);
            }
        }
    }

    /// <summary>
    /// Decodes chunk <paramref name="c"/> into <paramref name="events"/> and <paramref name="failures"/> from
    /// <paramref name="at"/>; false when decoding threw something other than a record's corruption.
    /// </summary>
    private bool BuildChunk(Records records, int c, Utf8StringCache names, Event?[] events, Exception?[] failures, int at)
    {
        bool expected = true;
        byte[] buffer = records.Buffer;
        for (int i = c * Chunk, end = records.ChunkEnd(c); i < end; i++, at++)
        {
            events[at] = EventRecordDecoder.Decode(new ReadOnlySpan<byte>(buffer, records.Starts[i], records.Lengths[i]), records.Offsets[i], _path, names, out failures[at]);
            expected &= failures[at] is null or TfRecordCorruptException;
        }
        return expected;
    }

    /// <summary>One batch's records and what they decode to; replaced, not reused, when a helper may still use it.</summary>
    private sealed class Records
    {
        public readonly long[] Offsets = new long[MaxRecords];
        public readonly int[] Starts = new int[MaxRecords];
        public readonly int[] Lengths = new int[MaxRecords];
        public readonly Event?[] Events = new Event?[MaxRecords];
        public readonly Exception?[] Failures = new Exception?[MaxRecords];
        // Claimed until a batch releases them: a helper holding an old batch's Records may read the new Count before
        // Fill releases the new chunks, and must not find one it could claim (a zero would be Free).
        public readonly int[] States = Enumerable.Repeat(Callers, MaxRecords / Chunk).ToArray();
        public byte[] Buffer = [];
        public int Count;
        public bool Asked;
        public bool AnyTaken;

        /// <summary>The batch's chunks (the last may be short). Read by a helper too, so read as written.</summary>
        public int Chunks => (Volatile.Read(ref Count) + Chunk - 1) / Chunk;

        /// <summary>The index chunk <paramref name="c"/>'s records end at.</summary>
        public int ChunkEnd(int c) => Math.Min((c + 1) * Chunk, Count);

        /// <summary>Chunks the helper built.</summary>
        public int BuiltByHelper()
        {
            int built = 0;
            for (int c = 0; c < Chunks; c++)
            {
                built += Volatile.Read(ref States[c]) == Built ? 1 : 0;
            }
            return built;
        }

        /// <summary>
        /// Claims the chunks no one built, so no helper can start one; true when no helper can use these arrays or
        /// their buffer any more (none holds a chunk, and none was taken from it).
        /// </summary>
        public bool Close()
        {
            bool closed = !AnyTaken;
            for (int c = 0; c < Chunks; c++)
            {
                closed &= Interlocked.CompareExchange(ref States[c], Callers, Free) != Helping;
            }
            return closed;
        }
    }
}
