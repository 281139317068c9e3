using TbLogger.Projector;
using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp;

/// <summary>
/// <see cref="SummaryWriter"/> calls that take TorchSharp tensors, with the core's names and argument order. Any dtype,
/// device and stride is accepted: CUDA tensors are copied to the CPU, non-contiguous views are gathered, other dtypes are
/// converted. A contiguous CPU float32 tensor (or uint8 image) is read in place with no copy. Tensors that require
/// gradients are read without recording autograd history. A null or disposed tensor, or a wrong shape, throws
/// <see cref="ArgumentException"/> naming the argument and its shape.
/// </summary>
public static partial class SummaryWriterTensorExtensions
{
    /// <summary>Logs a 0-d or 1-element tensor as a scalar (PyTorch's <c>add_scalar(tag, tensor)</c>).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="value">A tensor with exactly one element: float64 is logged as double, integers and bool as integers, other floats as float.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in drop mode.</returns>
    /// <exception cref="ArgumentException">The tensor is disposed or has not exactly one element.</exception>
    public static bool AddScalar(this SummaryWriter writer, string tag, Tensor value, long step, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(value, nameof(value));
        if (value.numel() != 1)
        {
            throw new ArgumentException(
                $"The tensor 'value' has shape {TensorRead.Format(value.shape)} ({value.numel()} elements); a scalar needs a 0-d or 1-element tensor.",
                nameof(value));
        }
        switch (value.dtype)
        {
            case ScalarType.Float64:
            {
                using var v = TensorRead.Values<double>(value, ScalarType.Float64, nameof(value));
                return writer.AddScalar(tag, v.Span[0], step, wallTime);
            }
            case ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool:
            {
                using var v = TensorRead.Values<long>(value, ScalarType.Int64, nameof(value));
                return writer.AddScalar(tag, v.Span[0], step, wallTime);
            }
            default:
            {
                using var v = TensorRead.Values<float>(value, ScalarType.Float32, nameof(value));
                return writer.AddScalar(tag, v.Span[0], step, wallTime);
            }
        }
    }

    /// <summary>Logs a histogram of every element of a tensor (PyTorch's <c>add_histogram</c>).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="values">Any shape; float64, int32 and int64 are binned as doubles, everything else as floats.</param>
    /// <param name="step">The global step.</param>
    /// <param name="bins">How to bin; default TensorBoard's exponential buckets.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in drop mode.</returns>
    /// <exception cref="ArgumentException">The tensor is disposed, or as the span overload.</exception>
    public static bool AddHistogram(this SummaryWriter writer, string tag, Tensor values, long step, HistogramBins bins = default, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(values, nameof(values));
        if (TensorRead.PrefersDouble(values))
        {
            using var d = TensorRead.Values<double>(values, ScalarType.Float64, nameof(values));
            return writer.AddHistogram(tag, d.Span, step, bins, wallTime);
        }
        using var f = TensorRead.Values<float>(values, ScalarType.Float32, nameof(values));
        return writer.AddHistogram(tag, f.Span, step, bins, wallTime);
    }

    /// <summary>
    /// Logs one image (PyTorch's <c>add_image</c>). uint8 tensors hold 0..255; every other dtype is read as floats in
    /// [0, 1] (clamped), as PyTorch does.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="image">A rank-3 (with channels) or rank-2 (gray) tensor.</param>
    /// <param name="step">The global step.</param>
    /// <param name="dataFormats">The order of the dimensions: "CHW" (default), "HWC", "HW", or any other order of those letters.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in drop mode.</returns>
    /// <exception cref="ArgumentException">Disposed tensor, a rank that does not match <paramref name="dataFormats"/>, bad letters, or as the span overload.</exception>
    public static bool AddImage(this SummaryWriter writer, string tag, Tensor image, long step, string dataFormats = "CHW",
        DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(image, nameof(image));
        string format = ImageFormats.Normalize(dataFormats, nameof(dataFormats));
        ImageFormats.CheckLetters(format, "CHW", 'C', nameof(dataFormats));
        ImageFormats.CheckRank(image.shape, format, nameof(image));
        string direct = format is "CHW" or "HWC" or "HW" ? format : format.Contains('C') ? "HWC" : "HW";
        Tensor? permuted = null;
        try
        {
            Tensor source = image;
            if (direct != format)
            {
                using var guard = torch.no_grad();
                permuted = ImageFormats.Permute(image.detach(), format, direct);
                source = permuted;
            }
            if (image.dtype == ScalarType.Byte)
            {
                using var b = TensorRead.Values<byte>(source, ScalarType.Byte, nameof(image));
                return writer.AddImage(tag, b.Span, Shape(direct, b.Shape), step, wallTime, options);
            }
            using var f = TensorRead.Values<float>(source, ScalarType.Float32, nameof(image));
            return writer.AddImage(tag, f.Span, Shape(direct, f.Shape), step, wallTime, options);
        }
        finally
        {
            permuted?.Dispose();
        }
    }

    /// <summary>
    /// Logs a batch of images as one grid image (PyTorch's <c>add_images</c>). uint8 tensors hold 0..255; every other
    /// dtype is read as floats in [0, 1].
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="images">A rank-4 tensor (rank 3 when <paramref name="dataFormats"/> has no C).</param>
    /// <param name="step">The global step.</param>
    /// <param name="dataFormats">"NCHW" (default), "NHWC", "NHW", or any other order of those letters.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in drop mode.</returns>
    /// <exception cref="ArgumentException">Disposed tensor, a rank that does not match <paramref name="dataFormats"/>, bad letters, or as the span overload.</exception>
    public static bool AddImages(this SummaryWriter writer, string tag, Tensor images, long step, string dataFormats = "NCHW",
        DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(images, nameof(images));
        string format = ImageFormats.Normalize(dataFormats, nameof(dataFormats));
        ImageFormats.CheckLetters(format, "NCHW", 'C', nameof(dataFormats));
        ImageFormats.CheckRank(images.shape, format, nameof(images));
        Tensor? permuted = null;
        try
        {
            Tensor source = images;
            string direct = format;
            if (format is not ("NCHW" or "NHWC"))
            {
                using var guard = torch.no_grad();
                Tensor t = images.detach();
                if (!format.Contains('C'))
                {
                    t = t.unsqueeze(-1);
                    format += "C";
                }
                permuted = ImageFormats.Permute(t, format, "NCHW");
                source = permuted;
                direct = "NCHW";
            }
            if (images.dtype == ScalarType.Byte)
            {
                using var b = TensorRead.Values<byte>(source, ScalarType.Byte, nameof(images));
                return writer.AddImages(tag, b.Span, BatchShape(direct, b.Shape, nameof(images)), step, wallTime, options);
            }
            using var f = TensorRead.Values<float>(source, ScalarType.Float32, nameof(images));
            return writer.AddImages(tag, f.Span, BatchShape(direct, f.Shape, nameof(images)), step, wallTime, options);
        }
        finally
        {
            permuted?.Dispose();
        }
    }

    /// <summary>Logs an audio clip (PyTorch's <c>add_audio</c>) as 16-bit PCM.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="samples">Rank 1 [frames] (mono) or rank 2 [channels, frames], as torchaudio and PyTorch's (1, L) use; values in [-1, 1].</param>
    /// <param name="sampleRate">Frames per second, e.g. 44100.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in drop mode.</returns>
    /// <exception cref="ArgumentException">Disposed tensor, a rank other than 1 or 2, more than <see cref="WavEncoder.MaxChannels"/> channels (checked before any copy), or as the span overload.</exception>
    public static bool AddAudio(this SummaryWriter writer, string tag, Tensor samples, int sampleRate, long step, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(samples, nameof(samples));
        long[] shape = samples.shape;
        if (shape.Length is not (1 or 2))
        {
            throw new ArgumentException(
                $"The tensor 'samples' has shape {TensorRead.Format(shape)}; audio needs [frames] or [channels, frames].", nameof(samples));
        }
        int channels = shape.Length == 1 ? 1 : TensorRead.Dim(shape, 0, nameof(samples));
        if (channels == 0)
        {
            // As the core's tensor overload says it, naming this method's parameter, not the span overload's 'channels'.
            throw new ArgumentException($"Audio needs at least one channel; got shape {TensorRead.Format(shape)}.", nameof(samples));
        }
        if (channels > WavEncoder.MaxChannels)
        {
            // Before the transposed copy of the whole tensor, and naming this method's parameter: the span overload
            // would refuse it only after the copy, naming its own 'channels'. The core's tensor overload says the same
            // (Summaries.AudioChannelsOf, internal and reading [frames, channels], so not shared).
            throw new ArgumentException(
                $"A 16-bit WAV file holds at most {WavEncoder.MaxChannels} channels; got shape {TensorRead.Format(shape)}.", nameof(samples));
        }
        Tensor? interleaved = null;
        try
        {
            Tensor source = samples;
            if (channels > 1)
            {
                // The core takes frames interleaved channel by channel: [frames, channels] row-major.
                using var guard = torch.no_grad();
                interleaved = samples.detach().t();
                source = interleaved;
            }
            using var v = TensorRead.Values<float>(source, ScalarType.Float32, nameof(samples));
            return writer.AddAudio(tag, v.Span, sampleRate, channels, step, wallTime);
        }
        finally
        {
            interleaved?.Dispose();
        }
    }

    /// <summary>Logs a precision-recall curve (PyTorch's <c>add_pr_curve</c>).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="labels">Bool, or numbers that are each 0 or 1; any shape with as many elements as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Probabilities of the positive class (float64 is read as double, any other dtype as float).</param>
    /// <param name="step">The global step.</param>
    /// <param name="numThresholds">Thresholds; 127 like PyTorch by default.</param>
    /// <param name="weights">Null, or one finite non-negative weight per prediction.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in drop mode.</returns>
    /// <exception cref="ArgumentException">Disposed tensors, element counts that differ, or as the span overload.</exception>
    public static bool AddPrCurve(this SummaryWriter writer, string tag, Tensor labels, Tensor predictions, long step,
        int numThresholds = Summaries.DefaultPrCurveThresholds, Tensor? weights = null, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(labels, nameof(labels));
        TensorRead.CheckUsable(predictions, nameof(predictions));
        if (labels.numel() != predictions.numel())
        {
            throw new ArgumentException(
                $"The tensor 'labels' has shape {TensorRead.Format(labels.shape)} but 'predictions' has shape {TensorRead.Format(predictions.shape)}; they need as many elements.",
                nameof(labels));
        }
        if (weights is not null)
        {
            TensorRead.CheckUsable(weights, nameof(weights));
            if (weights.numel() != predictions.numel())
            {
                throw new ArgumentException(
                    $"The tensor 'weights' has shape {TensorRead.Format(weights.shape)} but 'predictions' has shape {TensorRead.Format(predictions.shape)}; they need as many elements.",
                    nameof(weights));
            }
        }
        using var w = weights is null ? default : TensorRead.Values<float>(weights, ScalarType.Float32, nameof(weights));
        if (predictions.dtype == ScalarType.Float64)
        {
            using var p = TensorRead.Values<double>(predictions, ScalarType.Float64, nameof(predictions));
            if (labels.dtype == ScalarType.Bool)
            {
                using var lb = TensorRead.Values<bool>(labels, ScalarType.Bool, nameof(labels));
                return writer.AddPrCurve(tag, lb.Span, p.Span, step, numThresholds, w.Span, wallTime);
            }
            using var ld = TensorRead.Values<double>(labels, ScalarType.Float64, nameof(labels));
            return writer.AddPrCurve(tag, ld.Span, p.Span, step, numThresholds, w.Span, wallTime);
        }
        using var pf = TensorRead.Values<float>(predictions, ScalarType.Float32, nameof(predictions));
        if (labels.dtype == ScalarType.Bool)
        {
            using var lb = TensorRead.Values<bool>(labels, ScalarType.Bool, nameof(labels));
            return writer.AddPrCurve(tag, lb.Span, pf.Span, step, numThresholds, w.Span, wallTime);
        }
        using var lf = TensorRead.Values<float>(labels, ScalarType.Float32, nameof(labels));
        return writer.AddPrCurve(tag, lf.Span, pf.Span, step, numThresholds, w.Span, wallTime);
    }

    /// <summary>Saves an embedding for the projector (PyTorch's <c>add_embedding</c>).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">The embedding's name.</param>
    /// <param name="mat">An [N, D] tensor: one row per point (read as float).</param>
    /// <param name="step">The global step, not negative.</param>
    /// <param name="metadata">A label (or row of labels) per point, or null.</param>
    /// <param name="labelImages">Null, or an [N, C, H, W] tensor of thumbnails (uint8 0..255, other dtypes floats in [0, 1]).</param>
    /// <returns>The embedding's directory.</returns>
    /// <exception cref="ArgumentException">Disposed tensors, a matrix that is not rank 2, thumbnails that are not rank 4, or as the span overload.</exception>
    public static string AddEmbedding(this SummaryWriter writer, string tag, Tensor mat, long step, EmbeddingMetadata? metadata = null, Tensor? labelImages = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(mat, nameof(mat));
        long[] shape = mat.shape;
        if (shape.Length != 2)
        {
            throw new ArgumentException($"The tensor 'mat' has shape {TensorRead.Format(shape)}; an embedding needs [points, dimensions].", nameof(mat));
        }
        EmbeddingSprite? sprite = labelImages is null ? null : Sprite(labelImages);
        using var m = TensorRead.Values<float>(mat, ScalarType.Float32, nameof(mat));
        return writer.AddEmbedding(tag, m.Span, TensorRead.Dim(shape, 1, nameof(mat)), step, metadata, sprite);
    }

    private static EmbeddingSprite Sprite(Tensor labelImages)
    {
        TensorRead.CheckUsable(labelImages, nameof(labelImages));
        ImageFormats.CheckRank(labelImages.shape, "NCHW", nameof(labelImages));
        if (labelImages.dtype == ScalarType.Byte)
        {
            using var b = TensorRead.Values<byte>(labelImages, ScalarType.Byte, nameof(labelImages));
            return EmbeddingSprite.From(b.Span, BatchShape("NCHW", b.Shape, nameof(labelImages)));
        }
        using var f = TensorRead.Values<float>(labelImages, ScalarType.Float32, nameof(labelImages));
        return EmbeddingSprite.From(f.Span, BatchShape("NCHW", f.Shape, nameof(labelImages)));
    }

    private static ImageShape Shape(string layout, long[] s) => layout switch
    {
        "CHW" => ImageShape.Chw(TensorRead.Dim(s, 0, "image"), TensorRead.Dim(s, 1, "image"), TensorRead.Dim(s, 2, "image")),
        "HWC" => ImageShape.Hwc(TensorRead.Dim(s, 0, "image"), TensorRead.Dim(s, 1, "image"), TensorRead.Dim(s, 2, "image")),
        _ => ImageShape.Hw(TensorRead.Dim(s, 0, "image"), TensorRead.Dim(s, 1, "image")),
    };

    private static ImageBatchShape BatchShape(string layout, long[] s, string name) => layout == "NCHW"
        ? ImageBatchShape.Nchw(TensorRead.Dim(s, 0, name), TensorRead.Dim(s, 1, name), TensorRead.Dim(s, 2, name), TensorRead.Dim(s, 3, name))
        : ImageBatchShape.Nhwc(TensorRead.Dim(s, 0, name), TensorRead.Dim(s, 1, name), TensorRead.Dim(s, 2, name), TensorRead.Dim(s, 3, name));
}
