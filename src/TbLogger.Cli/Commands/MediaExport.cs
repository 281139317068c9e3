using System.Text;
using TbLogger.Reading;

namespace TbLogger.Cli.Commands;

/// <summary>
/// <c>tblog export --images DIR --audio DIR --text DIR</c>: each image, audio clip and text value becomes one file
/// named by run, tag and step: <c>DIR/{run}/{tag}_step{step}[_{sample}].{png|jpg|gif|wav|txt}</c>. Runs and tags come
/// from the log files, so each is flattened into one safe name ('/', '\', ':', control and invalid characters and lone
/// surrogates become '_'; names of only dots get a '_' in front; long names are cut between characters to fit a file
/// name's 255 bytes of UTF-8) and every path is checked to stay inside DIR.
/// </summary>
internal static class MediaExport
{
    // Linux takes at most 255 bytes of UTF-8 in one file name. A tag's name is followed by "_step{step}" (5 + 20
    // bytes for the longest long), "_{sample}" and "_{n}" for a repeated name (1 + 10 each for the longest int) and a
    // four-byte extension: 51 bytes at most, so the name itself keeps 204.
    private const int MaxFileNameBytes = 255;
    private const int MaxSuffixBytes = 5 + 20 + 11 + 11 + 4;
    private const int MaxNameBytes = MaxFileNameBytes - MaxSuffixBytes;

    /// <summary>Counts of the files written.</summary>
    public sealed record Counts(long Images, long Audio, long Text);

    public static Counts Write(LogDirReader reader, ReadFilter filter, string? imagesDir, string? audioDir, string? textDir)
    {
        long images = 0, audio = 0, text = 0;
        if (imagesDir is not null)
        {
            var names = new Names(imagesDir);
            foreach (var image in reader.ReadImages(filter))
            {
                File.WriteAllBytes(names.For(image.Run, image.Tag, image.Step, image.Sample, ImageExtension(image.Encoded.Span)), image.Encoded.ToArray());
                images++;
            }
        }
        if (audioDir is not null)
        {
            var names = new Names(audioDir);
            foreach (var clip in reader.ReadAudio(filter))
            {
                string extension = clip.ContentType == "audio/wav" || clip.Encoded.Span.StartsWith("RIFF"u8) ? ".wav" : ".bin";
                File.WriteAllBytes(names.For(clip.Run, clip.Tag, clip.Step, clip.Sample, extension), clip.Encoded.ToArray());
                audio++;
            }
        }
        if (textDir is not null)
        {
            var names = new Names(textDir);
            foreach (var value in reader.ReadText(filter))
            {
                File.WriteAllText(names.For(value.Run, value.Tag, value.Step, 0, ".txt"), string.Join("\n", value.Strings), new UTF8Encoding(false));
                text++;
            }
        }
        return new Counts(images, audio, text);
    }

    /// <summary>The file type an image's first bytes show: PNG, JPEG or GIF, else .bin.</summary>
    internal static string ImageExtension(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) ? ".png"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? ".jpg"
        : bytes.StartsWith("GIF8"u8) ? ".gif"
        : ".bin";

    /// <summary>
    /// One directory name from a run or tag of a log file: never a separator, never "." or "..", never empty, valid
    /// UTF-16 and at most <see cref="MaxNameBytes"/> bytes of UTF-8.
    /// </summary>
    internal static string SafeName(string name)
    {
        char[] invalid = Path.GetInvalidFileNameChars();
        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (c is '/' or '\\' or ':' || char.IsControl(c) || char.IsSurrogate(c) || Array.IndexOf(invalid, c) >= 0)
            {
                // A lone surrogate has no UTF-8 form: the file system would get a replacement character instead.
                chars[i] = '_';
            }
        }
        string safe = Utf8Prefix(new string(chars).Trim(), MaxNameBytes);
        // A dot is one byte: the name of only dots keeps room for the '_' in front.
        return safe.Length == 0 || safe.All(c => c == '.') ? "_" + safe[..Math.Min(safe.Length, MaxNameBytes - 1)] : safe;
    }

    /// <summary>The longest prefix of <paramref name="name"/> of at most <paramref name="maxBytes"/> bytes of UTF-8, cut between characters.</summary>
    private static string Utf8Prefix(string name, int maxBytes)
    {
        int bytes = 0, length = 0;
        foreach (Rune rune in name.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes)
            {
                break;
            }
            length += rune.Utf16SequenceLength;
        }
        return name[..length];
    }

    /// <summary>Builds unique file paths inside one output directory.</summary>
    private sealed class Names
    {
        private readonly string _root;
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public Names(string directory)
        {
            _root = Path.GetFullPath(directory);
            Directory.CreateDirectory(_root);
        }

        public string For(string run, string tag, long step, int sample, string extension)
        {
            string runDir = Path.Combine(_root, run is "" or "." ? "_root" : SafeName(run));
            string stem = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{SafeName(tag)}_step{step}{(sample > 0 ? $"_{sample}" : "")}");
            string path = Path.Combine(runDir, stem + extension);
            // Two tags can flatten to the same name ("a/b" and "a_b"): number the later ones.
            for (int n = 2; !_used.Add(path); n++)
            {
                path = Path.Combine(runDir, $"{stem}_{n}{extension}");
            }
            if (!Path.GetFullPath(path).StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Run '{run}' and tag '{tag}' would write outside {_root}.");
            }
            Directory.CreateDirectory(runDir);
            return path;
        }
    }
}
