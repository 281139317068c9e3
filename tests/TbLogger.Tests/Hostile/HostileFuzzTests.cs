using TbLogger.Projector;

namespace TbLogger.Tests.Hostile;

/// <summary>Seeded, bounded random inputs for the path policy and the projector text reader.</summary>
[TestClass]
public sealed class HostileFuzzTests
{
    private const string Alphabet = "ab./\\:C \0\u0001\u001b\u007f\u0085\u202e%~";

    [TestMethod]
    public void No_random_name_resolves_outside_its_destination()
    {
        var random = new Random(18);
        string root = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "policy-root"));
        int accepted = 0;
        for (int i = 0; i < 100_000; i++)
        {
            var name = new char[random.Next(0, 12)];
            for (int j = 0; j < name.Length; j++)
            {
                name[j] = Alphabet[random.Next(Alphabet.Length)];
            }
            string text = new(name);
            string? problem = PathPolicy.Problem(text);
            string? resolved = null;
            try
            {
                resolved = PathPolicy.Resolve(root, text, "fuzz");
            }
            catch (UnsafePathException ex)
            {
                Assert.IsNotNull(problem, $"'{PathPolicy.Printable(text)}': {ex.Message}");
                continue;
            }
            Assert.IsNull(problem, PathPolicy.Printable(text));
            accepted++;
            Assert.IsTrue(resolved == root || resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal), PathPolicy.Printable(text));
            Assert.IsFalse(resolved.Any(char.IsControl), PathPolicy.Printable(text));
            // Sanitised sub-run names always pass the policy.
            Assert.IsNull(PathPolicy.Problem(PathPolicy.SanitizeSegment(text)), PathPolicy.Printable(text));
        }
        Assert.IsGreaterThan(1000, accepted, "the generator should produce plenty of legal names too");
    }

    [TestMethod]
    public void Random_and_mutated_projector_text_throws_only_format_exceptions()
    {
        var random = new Random(18);
        string valid = ProjectorConfigText.Format(new Protos.Plugins.Projector.ProjectorConfig
        {
            Embeddings =
            {
                new Protos.Plugins.Projector.EmbeddingInfo { TensorName = "a:00000", TensorPath = "00000/a/tensors.tsv", TensorShape = { 4, 2 }, Sprite = new() { ImagePath = "s.png", SingleImageDim = { 8, 8 } } },
            },
        });
        const string Tokens = "{}<>[]:;,\"'\\#\n x0-9";
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var text = new System.Text.StringBuilder(valid);
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(text.Length + 1);
                switch (random.Next(3))
                {
                    case 0: text.Insert(at, Tokens[random.Next(Tokens.Length)]); break;
                    case 1: if (at < text.Length) { text.Remove(at, 1); } break;
                    default: text.Insert(at, string.Concat(Enumerable.Repeat(random.Next(2) == 0 ? "u {" : "u <", random.Next(1, 300)))); break;
                }
            }
            try
            {
                ProjectorConfigText.Parse(text.ToString());
                parsed++;
            }
            catch (FormatException)
            {
            }
        }
        Assert.IsGreaterThan(0, parsed);
    }
}
