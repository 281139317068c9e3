using System.Buffers.Binary;
using TbLogger.Protos;

namespace TbLogger.Reading;

/// <summary>Reads the elements of a TensorProto, from its typed fields or its tensor_content.</summary>
internal static class TensorValues
{
    public static long[] Shape(TensorProto tensor) =>
        tensor.TensorShape is null ? [] : tensor.TensorShape.Dim.Select(d => d.Size).ToArray();

    public static string[] Strings(TensorProto tensor) =>
        tensor.StringVal.Select(s => s.ToStringUtf8()).ToArray();

    /// <summary>The elements as doubles for every numeric dtype; throws <see cref="FormatException"/> otherwise.</summary>
    public static double[] Doubles(TensorProto tensor)
    {
        ReadOnlySpan<byte> content = tensor.TensorContent.Span;
        switch (tensor.Dtype)
        {
            case DataType.DtFloat:
                return content.Length > 0 ? Convert(content, 4, b => BinaryPrimitives.ReadSingleLittleEndian(b)) : tensor.FloatVal.Select(v => (double)v).ToArray();
            case DataType.DtDouble:
                return content.Length > 0 ? Convert(content, 8, BinaryPrimitives.ReadDoubleLittleEndian) : tensor.DoubleVal.ToArray();
            case DataType.DtHalf:
                return content.Length > 0 ? Convert(content, 2, b => (double)BinaryPrimitives.ReadHalfLittleEndian(b)) : tensor.HalfVal.Select(v => (double)BitConverter.UInt16BitsToHalf((ushort)v)).ToArray();
            case DataType.DtBfloat16:
                return content.Length > 0
                    ? Convert(content, 2, b => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(b) << 16))
                    : tensor.HalfVal.Select(v => (double)BitConverter.UInt32BitsToSingle((uint)(ushort)v << 16)).ToArray();
            case DataType.DtInt32:
                return content.Length > 0 ? Convert(content, 4, b => BinaryPrimitives.ReadInt32LittleEndian(b)) : tensor.IntVal.Select(v => (double)v).ToArray();
            case DataType.DtInt16 or DataType.DtInt8 or DataType.DtUint8 or DataType.DtUint16:
                if (content.Length > 0)
                {
                    return tensor.Dtype switch
                    {
                        DataType.DtInt16 => Convert(content, 2, b => BinaryPrimitives.ReadInt16LittleEndian(b)),
                        DataType.DtUint16 => Convert(content, 2, b => BinaryPrimitives.ReadUInt16LittleEndian(b)),
                        DataType.DtInt8 => Convert(content, 1, b => (sbyte)b[0]),
                        _ => Convert(content, 1, b => b[0]),
                    };
                }
                return tensor.IntVal.Select(v => (double)v).ToArray();
            case DataType.DtInt64:
                return content.Length > 0 ? Convert(content, 8, b => BinaryPrimitives.ReadInt64LittleEndian(b)) : tensor.Int64Val.Select(v => (double)v).ToArray();
            case DataType.DtUint32:
                return content.Length > 0 ? Convert(content, 4, b => BinaryPrimitives.ReadUInt32LittleEndian(b)) : tensor.Uint32Val.Select(v => (double)v).ToArray();
            case DataType.DtUint64:
                return content.Length > 0 ? Convert(content, 8, b => BinaryPrimitives.ReadUInt64LittleEndian(b)) : tensor.Uint64Val.Select(v => (double)v).ToArray();
            case DataType.DtBool:
                return content.Length > 0 ? Convert(content, 1, b => b[0] != 0 ? 1 : 0) : tensor.BoolVal.Select(v => v ? 1d : 0d).ToArray();
            default:
                throw new FormatException($"A {tensor.Dtype} tensor is not numeric.");
        }
    }

    /// <summary>
    /// Why <paramref name="tensor"/> does not hold its plugin's data, or null when it does: a negative dimension, more
    /// elements than a long counts, fewer or more elements than its shape, a scalar of more than one element, a PR
    /// curve not [6, T], a histogram not [k, 3] numbers. The one rule of <see cref="Verify.DecodeRule"/> and of
    /// <see cref="LogDirReader.ReadHistograms"/>: a histogram tensor <c>tblog verify</c> reports is one the read skips
    /// as malformed.
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="plugin">Its tag's plugin name ("" for none).</param>
    /// <param name="values">Its numbers as stored (one for a tensor filled with one value); empty for a string or non-numeric tensor.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(TensorProto tensor, string plugin, out double[] values)
    {
        values = [];
        long[] shape = Shape(tensor);
        if (shape.Any(d => d < 0))
        {
            return "tensor shape has a negative dimension";
        }
        long expected;
        try
        {
            expected = shape.Aggregate(1L, (a, b) => checked(a * b));
        }
        catch (OverflowException)
        {
            // Wrapped, the count could match a few stored elements and pass for the shape.
            return $"tensor shape [{string.Join(", ", shape)}] has more elements than a long counts";
        }
        if (plugin == PluginNames.Histograms && tensor.Dtype is DataType.DtString or DataType.DtBool)
        {
            return $"histogram tensor is {tensor.Dtype}, not numbers";
        }
        long actual;
        if (tensor.Dtype == DataType.DtString)
        {
            actual = tensor.StringVal.Count;
        }
        else
        {
            try
            {
                values = Doubles(tensor);
                actual = values.Length;
            }
            catch (FormatException ex)
            {
                return plugin is PluginNames.Scalars or PluginNames.PrCurves or PluginNames.Histograms ? ex.Message : null;
            }
            // TensorFlow may store one value for a tensor filled with it. Not a histogram's buckets, which it writes
            // whole: filling them would take as much memory as the shape asks, whatever the record holds.
            if (actual == 1 && expected > 1 && plugin != PluginNames.Histograms)
            {
                actual = expected;
            }
        }
        if (actual != expected)
        {
            return $"{tensor.Dtype} tensor of shape [{string.Join(", ", shape)}] holds {actual} elements, not {expected}";
        }
        return plugin switch
        {
            PluginNames.Scalars when expected != 1 => $"scalar tensor holds {expected} elements",
            PluginNames.PrCurves when shape.Length != 2 || shape[0] != 6 => $"PR curve tensor has shape [{string.Join(", ", shape)}], not [6, T]",
            PluginNames.Histograms when shape.Length != 2 || shape[1] != 3 => $"histogram tensor has shape [{string.Join(", ", shape)}], not [k, 3]",
            _ => null,
        };
    }

    /// <summary>The single element of a one-element numeric tensor; false otherwise.</summary>
    public static bool TryScalar(TensorProto tensor, out double value)
    {
        value = 0;
        if (Shape(tensor).Aggregate(1L, (a, b) => a * b) != 1)
        {
            return false;
        }
        try
        {
            double[] values = Doubles(tensor);
            if (values.Length != 1)
            {
                return false;
            }
            value = values[0];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static double[] Convert(ReadOnlySpan<byte> content, int size, Func<ReadOnlySpan<byte>, double> read)
    {
        if (content.Length % size != 0)
        {
            throw new FormatException($"tensor_content has {content.Length} bytes, not a multiple of {size}.");
        }
        var result = new double[content.Length / size];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = read(content.Slice(i * size, size));
        }
        return result;
    }
}
