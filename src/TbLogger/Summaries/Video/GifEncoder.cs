using System.Buffers.Binary;

namespace TbLogger;

/// <summary>
/// Encodes frames as an animated GIF89a: a palette of up to 256 colours per frame (exact when a frame has that few,
/// else Wu's quantiser), LZW-compressed pixels, a frame delay and the NETSCAPE2.0 extension that loops the clip.
/// </summary>
public static class GifEncoder
{
    private const int MaxCodeWidth = 12;
    private const int MaxCode = (1 << MaxCodeWidth) - 1;

    /// <summary>The GIF frame delay for a frame rate, in hundredths of a second: round(100 / fps), at least 1.</summary>
    /// <param name="fps">Frames per second, positive and finite, at least 100/65535.</param>
    /// <returns>The delay written into each frame.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not positive and finite, or so low the delay exceeds 65535.</exception>
    public static int DelayOf(double fps)
    {
        if (!double.IsFinite(fps) || fps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "Frames per second must be positive and finite.");
        }
        double delay = Math.Round(100.0 / fps, MidpointRounding.AwayFromZero);
        if (delay > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "Frames per second is too low: a GIF frame lasts at most 655.35 s.");
        }
        return Math.Max(1, (int)delay);
    }

    /// <summary>Encodes frames of interleaved gray or RGB pixels as a looping animated GIF.</summary>
    /// <param name="pixels">frames × height × width × channels bytes: frame after frame, rows top to bottom.</param>
    /// <param name="frames">Number of frames, at least 1.</param>
    /// <param name="height">Rows, 1 to 65535.</param>
    /// <param name="width">Columns, 1 to 65535.</param>
    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <param name="fps">Frames per second; each frame lasts <see cref="DelayOf"/> hundredths of a second.</param>
    /// <returns>The GIF file's bytes.</returns>
    /// <exception cref="ArgumentException">The length does not match the shape, or a size or channel count is out of range.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int frames, int height, int width, int channels, double fps = 4)
    {
        Validate(frames, height, width, channels, pixels.Length, nameof(pixels));
        return EncodeValidated(pixels, frames, height, width, channels, DelayOf(fps));
    }

    internal static void Validate(int frames, int height, int width, int channels, long length, string parameterName)
    {
        if (frames < 1 || height < 1 || width < 1 || height > ushort.MaxValue || width > ushort.MaxValue)
        {
            throw new ArgumentException($"A GIF needs at least one frame and 1 to 65535 rows and columns; got {frames} frames of {height}x{width}.", parameterName);
        }
        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"GIF frames have 1 (gray) or 3 (RGB) channels; got {channels}.", parameterName);
        }
        long expected = (long)frames * height * width * channels;
        if (expected != length)
        {
            throw new ArgumentException($"{frames} frames of {height}x{width}x{channels} need {expected} values; got {length}.", parameterName);
        }
    }

    internal static byte[] EncodeValidated(ReadOnlySpan<byte> pixels, int frames, int height, int width, int channels, int delay)
    {
        int area = height * width;
        var output = new GrowableBuffer(64 + frames * (area / 2 + 800));
        WriteHeader(output, height, width);
        var quantizer = ColorQuantizer.ForThisThread;
        var lzw = new LzwWriter();
        byte[] rgb = channels == 3 ? [] : new byte[area * 3];
        byte[] indices = new byte[area];
        Span<byte> palette = stackalloc byte[ColorQuantizer.MaxColors * 3];
        for (int f = 0; f < frames; f++)
        {
            ReadOnlySpan<byte> frame = pixels.Slice(f * area * channels, area * channels);
            if (channels == 1)
            {
                for (int i = 0, o = 0; i < frame.Length; i++, o += 3)
                {
                    rgb[o] = rgb[o + 1] = rgb[o + 2] = frame[i];
                }
                frame = rgb;
            }
            palette.Clear();
            int colors = quantizer.Quantize(frame, palette, indices);
            WriteFrame(output, lzw, palette, colors, indices, height, width, delay);
        }
        output.Add(0x3B);   // trailer
        return output.ToArray();
    }

    private static void WriteHeader(GrowableBuffer output, int height, int width)
    {
        Span<byte> header = stackalloc byte[13 + 19];
        "GIF89a"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], (ushort)height);
        header[10] = 0x70;   // no global colour table; 8 bits of colour resolution
        header[11] = 0;      // background colour index
        header[12] = 0;      // square pixels
        // Application extension NETSCAPE2.0: loop count 0 = forever.
        ReadOnlySpan<byte> loop = [0x21, 0xFF, 0x0B, (byte)'N', (byte)'E', (byte)'T', (byte)'S', (byte)'C', (byte)'A', (byte)'P', (byte)'E', (byte)'2', (byte)'.', (byte)'0', 0x03, 0x01, 0x00, 0x00, 0x00];
        loop.CopyTo(header[13..]);
        output.Add(header);
    }

    private static void WriteFrame(GrowableBuffer output, LzwWriter lzw, ReadOnlySpan<byte> palette, int colors, ReadOnlySpan<byte> indices, int height, int width, int delay)
    {
        int bits = 1;
        while ((1 << bits) < colors)
        {
            bits++;
        }
        Span<byte> head = stackalloc byte[8 + 10];
        // Graphic control extension: disposal "leave in place" (1), no transparency, the delay.
        head[0] = 0x21; head[1] = 0xF9; head[2] = 4; head[3] = 1 << 2;
        BinaryPrimitives.WriteUInt16LittleEndian(head[4..], (ushort)delay);
        head[6] = 0; head[7] = 0;
        // Image descriptor: the whole canvas, with a local colour table of 2^bits entries.
        head[8] = 0x2C;
        BinaryPrimitives.WriteUInt16LittleEndian(head[9..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(head[11..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(head[13..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(head[15..], (ushort)height);
        head[17] = (byte)(0x80 | (bits - 1));
        output.Add(head);
        output.Add(palette[..((1 << bits) * 3)]);
        lzw.Write(output, indices, Math.Max(2, bits));
    }

    /// <summary>GIF's variable-width LZW (codes of 3 to 12 bits, least significant bit first) in 255-byte sub-blocks.</summary>
    private sealed class LzwWriter
    {
        private const int TableSize = 1 << 13;     // open addressing, at most 4096 entries: load below one half

        private readonly int[] _keys = new int[TableSize];
        private readonly short[] _codes = new short[TableSize];
        private readonly byte[] _block = new byte[256];
        private int _blockLength;
        private ulong _bits;
        private int _bitCount;
        private int _width;
        private int _next;
        private int _overflow;
        private int _clear;

        public void Write(GrowableBuffer output, ReadOnlySpan<byte> indices, int minCodeSize)
        {
            output.Add((byte)minCodeSize);
            _blockLength = 0;
            _bits = 0;
            _bitCount = 0;
            _clear = 1 << minCodeSize;
            int literalWidth = minCodeSize;
            Reset(literalWidth);
            Emit(output, _clear);
            int prefix = indices[0];
            for (int i = 1; i < indices.Length; i++)
            {
                int symbol = indices[i];
                int key = prefix << 8 | symbol;
                int slot = (int)((uint)(key * -1640531535) >> 19);   // Fibonacci hash to 13 bits
                while (true)
                {
                    int stored = _keys[slot];
                    if (stored == key)
                    {
                        prefix = _codes[slot];
                        goto nextSymbol;
                    }
                    if (stored < 0)
                    {
                        break;
                    }
                    slot = (slot + 1) & (TableSize - 1);
                }
                Emit(output, prefix);
                if (Advance(output, literalWidth))
                {
                    _keys[slot] = key;
                    _codes[slot] = (short)_next;
                }
                prefix = symbol;
            nextSymbol:;
            }
            Emit(output, prefix);
            Advance(output, literalWidth);
            Emit(output, _clear + 1);   // end of information
            if (_bitCount > 0)
            {
                AddByte(output, (byte)_bits);
            }
            if (_blockLength > 0)
            {
                FlushBlock(output);
            }
            output.Add(0);   // block terminator
        }

        private void Reset(int literalWidth)
        {
            Array.Fill(_keys, -1);
            _width = literalWidth + 1;
            _next = _clear + 1;   // the last assigned code: end-of-information
            _overflow = 1 << _width;
        }

        /// <summary>
        /// Moves to the next code after a code was written, as the decoder will after reading it; widens codes when
        /// they no longer fit, and clears the table when it is full. Returns whether the new code may be stored.
        /// </summary>
        private bool Advance(GrowableBuffer output, int literalWidth)
        {
            _next++;
            if (_next == _overflow && _width < MaxCodeWidth)
            {
                _width++;
                _overflow <<= 1;
            }
            if (_next == MaxCode)
            {
                Emit(output, _clear);
                Reset(literalWidth);
                return false;
            }
            return true;
        }

        private void Emit(GrowableBuffer output, int code)
        {
            _bits |= (ulong)code << _bitCount;
            _bitCount += _width;
            while (_bitCount >= 8)
            {
                AddByte(output, (byte)_bits);
                _bits >>= 8;
                _bitCount -= 8;
            }
        }

        private void AddByte(GrowableBuffer output, byte value)
        {
            _block[1 + _blockLength++] = value;
            if (_blockLength == 255)
            {
                FlushBlock(output);
            }
        }

        private void FlushBlock(GrowableBuffer output)
        {
            _block[0] = (byte)_blockLength;
            output.Add(_block.AsSpan(0, _blockLength + 1));
            _blockLength = 0;
        }
    }

    private sealed class GrowableBuffer(int capacity)
    {
        private byte[] _data = new byte[Math.Max(capacity, 256)];
        private int _length;

        public void Add(byte value)
        {
            if (_length == _data.Length)
            {
                Array.Resize(ref _data, _data.Length * 2);
            }
            _data[_length++] = value;
        }

        public void Add(ReadOnlySpan<byte> values)
        {
            if (_length + values.Length > _data.Length)
            {
                Array.Resize(ref _data, Math.Max(_data.Length * 2, _length + values.Length));
            }
            values.CopyTo(_data.AsSpan(_length));
            _length += values.Length;
        }

        public byte[] ToArray() => _data.AsSpan(0, _length).ToArray();
    }
}
