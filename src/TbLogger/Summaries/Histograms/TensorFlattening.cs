using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace TbLogger;

/// <summary>Views a tensor's elements as one span: in place when the tensor is dense, else via a pooled copy.</summary>
internal ref struct TensorFlattening<T>
{
    private T[]? _rented;

    public TensorFlattening(ReadOnlyTensorSpan<T> tensor)
    {
        if (tensor.IsEmpty)
        {
            Span = [];
            return;
        }
        if (tensor.FlattenedLength > Array.MaxLength)
        {
            throw new ArgumentException($"The tensor has {tensor.FlattenedLength} elements; at most {Array.MaxLength} are supported.", nameof(tensor));
        }
        int length = (int)tensor.FlattenedLength;
        if (tensor.IsDense)
        {
            Span = MemoryMarshal.CreateReadOnlySpan(in tensor.GetPinnableReference(), length);
            return;
        }
        _rented = ArrayPool<T>.Shared.Rent(length);
        tensor.FlattenTo(_rented);
        Span = _rented.AsSpan(0, length);
    }

    public ReadOnlySpan<T> Span { get; }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<T>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
