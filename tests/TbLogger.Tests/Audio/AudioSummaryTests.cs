using System.Buffers.Binary;
using System.Numerics.Tensors;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.Audio;
using TbLogger.Tests.Images;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Audio;

[TestClass]
public sealed class AudioSummaryTests
{
    private static float[] Sine()
    {
        // README audio/sine: 440 Hz, amplitude 0.5, 8000 Hz, 800 frames.
        var samples = new float[800];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 440 * (i / 8000.0)));
        }
        return samples;
    }

    [TestMethod]
    public void SineMatchesTheGoldenWavByteForByte()
    {
        var theirs = GoldenMedia.Tag("audio/sine").Single().Value;
        var ours = TbLogger.Summaries.Audio("audio/sine", Sine(), sampleRate: 8000).Value.Single();
        Assert.AreEqual("audio/sine", ours.Tag);
        Assert.AreEqual(1644, ours.Audio.EncodedAudioString.Length);
        CollectionAssert.AreEqual(theirs.Audio.EncodedAudioString.ToByteArray(), ours.Audio.EncodedAudioString.ToByteArray());
        Assert.AreEqual(theirs.Audio.SampleRate, ours.Audio.SampleRate);
        Assert.AreEqual(theirs.Audio.NumChannels, ours.Audio.NumChannels);
        Assert.AreEqual(theirs.Audio.LengthFrames, ours.Audio.LengthFrames);
        Assert.AreEqual(theirs.Audio.ContentType, ours.Audio.ContentType);
        Assert.AreEqual((8000f, 1L, 800L, "audio/wav"), (ours.Audio.SampleRate, ours.Audio.NumChannels, ours.Audio.LengthFrames, ours.Audio.ContentType));

        Assert.AreEqual("audio", ours.Metadata.PluginData.PluginName);
        Assert.AreEqual(DataClass.BlobSequence, ours.Metadata.DataClass);
        var content = AudioPluginData.Parser.ParseFrom(ours.Metadata.PluginData.Content);
        Assert.AreEqual(AudioPluginData.Types.Encoding.Wav, content.Encoding);
        Assert.IsTrue(content.ConvertedToTensor);

        CollectionAssert.AreEqual(WavEncoder.Encode(Sine(), 1, 8000), ours.Audio.EncodedAudioString.ToByteArray());
        Assert.AreEqual(ours, TbLogger.Summaries.Audio("audio/sine", Tensor.Create(Sine(), [800]), 8000).Value[0]);
    }

    [TestMethod]
    public void StereoIsInterleavedWithAMatchingHeader()
    {
        float[] samples = [0.5f, -0.5f, 1f, -1f, 2f, float.NegativeInfinity];
        var value = TbLogger.Summaries.Audio("stereo", samples, 44100, channels: 2).Value[0];
        Assert.AreEqual((2L, 3L), (value.Audio.NumChannels, value.Audio.LengthFrames));
        byte[] wav = value.Audio.EncodedAudioString.ToByteArray();
        Assert.AreEqual("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.AreEqual(wav.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(4)));
        Assert.AreEqual(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(20)));
        Assert.AreEqual(2, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(22)));
        Assert.AreEqual(44100, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
        Assert.AreEqual(44100 * 4, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(28)));
        Assert.AreEqual(4, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(32)));
        Assert.AreEqual(12, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40)));
        short[] pcm = Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + 2 * i))).ToArray();
        CollectionAssert.AreEqual(new short[] { 16383, -16383, 32767, -32767, 32767, -32767 }, pcm);

        var fromTensor = TbLogger.Summaries.Audio("stereo", Tensor.Create(samples, [3, 2]), 44100).Value[0];
        Assert.AreEqual(value, fromTensor);
    }

    [TestMethod]
    public void BadAudioGetsSpecificExceptions()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Audio("a", new[] { 0f, float.NaN }, 8000));
        StringAssert.Contains(error.Message, "sample 1 is NaN");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TbLogger.Summaries.Audio("a", new[] { 0f }, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TbLogger.Summaries.Audio("a", new[] { 0f }, -8000));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TbLogger.Summaries.Audio("a", new[] { 0f }, 8000, channels: 0));
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Audio("a", new float[3], 8000, channels: 2));
        StringAssert.Contains(error.Message, "3 samples");
        Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Audio("a", Array.Empty<float>(), 8000));
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Audio("a", Tensor.Create(new float[8], [2, 2, 2]), 8000));
        StringAssert.Contains(error.Message, "[2, 2, 2]");
        Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Audio("", new[] { 0f }, 8000));
    }

    [TestMethod]
    public void ChannelsBeyondWhatTheHeadersSixteenBitFieldsHoldAreRefused()
    {
        // NumChannels and the frame size (BlockAlign, 2 bytes a channel) are 16-bit fields: 32,768 channels made the
        // frame size 0, 65,536 the channel count 0, and 70,000 gave a header of 4,464 channels.
        Assert.AreEqual(32767, WavEncoder.MaxChannels);
        byte[] most = WavEncoder.Encode(new float[2 * 32767], 32767, 8000);
        Assert.AreEqual((32767, 65534), (BinaryPrimitives.ReadUInt16LittleEndian(most.AsSpan(22)), BinaryPrimitives.ReadUInt16LittleEndian(most.AsSpan(32))));
        Assert.AreEqual(8000u * 65534, BinaryPrimitives.ReadUInt32LittleEndian(most.AsSpan(28)));
        foreach (int channels in new[] { 32768, 65536, 70000 })
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => WavEncoder.Encode(new float[channels], channels, 8000));
            Assert.AreEqual("channels", error.ParamName);
            Assert.AreEqual(channels, error.ActualValue);
            StringAssert.StartsWith(error.Message, "A 16-bit WAV file holds at most 32767 channels: its frame size (2 bytes a channel) is a 16-bit field.");
            error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TbLogger.Summaries.Audio("a", new float[channels], 8000, channels));
            Assert.AreEqual("channels", error.ParamName);
        }
        var shape = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Audio("a", Tensor.Create(new float[32768], [1, 32768]), 8000));
        Assert.AreEqual("samples", shape.ParamName);
        StringAssert.StartsWith(shape.Message, "A 16-bit WAV file holds at most 32767 channels; got shape [1, 32768].");
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        Assert.AreEqual("channels", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddAudio("a", new float[140000], 8000, channels: 70000, step: 0)).ParamName);
        Assert.AreEqual("samples", Assert.ThrowsExactly<ArgumentException>(() => writer.AddAudio("a", Tensor.Create(new float[70000], [1, 70000]), 8000, step: 0)).ParamName);
        Assert.IsTrue(writer.AddAudio("a", new float[2 * 32767], 8000, channels: 32767, step: 0));
    }

    [TestMethod]
    public void WriterLogsAudioAndStaysUsableAfterBadInput()
    {
        using var dir = new TempDirectory();
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        string path;
        using (var writer = new SummaryWriter(dir.Path))
        {
            path = writer.FilePath;
            float[] sine = Sine();
            Assert.IsTrue(writer.AddAudio("audio/sine", sine, 8000, step: 0, t0));
            Array.Clear(sine);
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddAudio("bad", new[] { 0f }, 0, step: 1));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddAudio("bad", new[] { float.NaN }, 8000, step: 1));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddAudio("bad", new float[5], 8000, channels: 2, step: 1));
            Assert.IsTrue(writer.AddAudio("audio/stereo", new[] { 0.25f, -0.25f }, 16000, channels: 2, step: 2, t0));
            Assert.IsTrue(writer.AddAudio("audio/tensor", Tensor.Create(Sine(), [800]), 8000, step: 3, t0));
        }
        var values = EventFileReader.Read(path).Where(e => e.Summary is not null).Select(e => (e.Step, e.WallTime, Value: e.Summary.Value.Single())).ToList();
        Assert.AreEqual("audio/sine,audio/stereo,audio/tensor", string.Join(',', values.Select(v => v.Value.Tag)));
        var golden = GoldenMedia.Tag("audio/sine").Single();
        Assert.AreEqual((golden.Step, golden.Wall), (values[0].Step, values[0].WallTime));
        CollectionAssert.AreEqual(golden.Value.Audio.EncodedAudioString.ToByteArray(), values[0].Value.Audio.EncodedAudioString.ToByteArray());
        CollectionAssert.AreEqual(golden.Value.Audio.EncodedAudioString.ToByteArray(), values[2].Value.Audio.EncodedAudioString.ToByteArray());
        Assert.AreEqual((2L, 1L), (values[1].Value.Audio.NumChannels, values[1].Value.Audio.LengthFrames));
    }
}
