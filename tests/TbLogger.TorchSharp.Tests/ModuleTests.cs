using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp.Tests;

[TestClass]
public sealed class ModuleTests
{
    // A 3 → 2 → 1 network with known weights.
    private static nn.Module<Tensor, Tensor> Known()
    {
        var model = nn.Sequential(("fc1", nn.Linear(3, 2)), ("act", nn.Tanh()), ("fc2", nn.Linear(2, 1)));
        using var guard = torch.no_grad();
        float k = 0.1f;
        foreach (var (_, p) in model.named_parameters())
        {
            int n = (int)p.numel();
            using var v = torch.tensor(Enumerable.Range(0, n).Select(i => (k + i) * (i % 2 == 0 ? 1 : -1)).ToArray(), p.shape);
            p.copy_(v);
            k += 1;
        }
        return model;
    }

    private static double L2(IEnumerable<float> values) => Math.Sqrt(values.Sum(v => (double)v * v));

    [TestMethod]
    public void AddParametersLogsHistogramsAndNormsOfValuesAndGradients()
    {
        using var model = Known();
        using var x = torch.tensor(new float[] { 1, -2, 0.5f, 0.3f, 0.2f, -1 }, [2, 3]);
        using var y = model.forward(x);
        using var loss = y.pow(2).sum();
        loss.backward();
        var expected = model.named_parameters().ToDictionary(p => p.name, p => (Values: p.parameter.data<float>().ToArray(), Grad: p.parameter.grad!.data<float>().ToArray()));

        int logged = 0;
        var events = Logged.Events(w => logged = w.AddParameters(model, 9));
        Assert.AreEqual(4, logged);
        var byTag = events.SelectMany(e => e.Summary.Value.Select(v => (e.Step, v))).ToDictionary(p => p.v.Tag, p => p);
        string[] names = ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"];
        var tags = names.SelectMany(n => new[] { n, n + "/grad", n + "/norm", n + "/grad_norm" }).Append("global_norm").Append("global_grad_norm").Order().ToList();
        CollectionAssert.AreEqual(tags, byTag.Keys.Order().ToList());
        Assert.IsTrue(byTag.Values.All(p => p.Step == 9));
        foreach (var n in names)
        {
            Assert.AreEqual((double)expected[n].Values.Length, byTag[n].v.Histo.Num, n);
            Assert.AreEqual(expected[n].Values.Sum(v => (double)v), byTag[n].v.Histo.Sum, 1e-5, n);
            Assert.AreEqual(expected[n].Grad.Sum(v => (double)v), byTag[n + "/grad"].v.Histo.Sum, 1e-4, n);
            Assert.AreEqual(L2(expected[n].Values), Logged.Scalar(byTag[n + "/norm"].v), 1e-5, n);
            Assert.AreEqual(L2(expected[n].Grad), Logged.Scalar(byTag[n + "/grad_norm"].v), 1e-4, n);
        }
        Assert.AreEqual(L2(expected.Values.SelectMany(v => v.Values)), Logged.Scalar(byTag["global_norm"].v), 1e-5);
        Assert.AreEqual(L2(expected.Values.SelectMany(v => v.Grad)), Logged.Scalar(byTag["global_grad_norm"].v), 1e-4);
        // Independently: the global gradient norm is what clip_grad_norm_ reports.
        double clip = nn.utils.clip_grad_norm_(model.parameters(), 1e9);
        Assert.AreEqual(clip, Logged.Scalar(byTag["global_grad_norm"].v), 1e-4);
    }

    [TestMethod]
    public void AddParametersHonoursTheFilterPrefixAndSwitches()
    {
        using var model = Known();
        var options = new ParameterLogOptions { Filter = n => n.EndsWith(".weight"), Prefix = "params/", Norms = false, Gradients = true };
        var events = Logged.Events(w => Assert.AreEqual(2, w.AddParameters(model, 1, options)));
        // No backward yet: no gradients, so only the two weight histograms.
        CollectionAssert.AreEqual(new[] { "params/fc1.weight", "params/fc2.weight" }, events.SelectMany(e => e.Summary.Value).Select(v => v.Tag).Order().ToArray());
        var none = Logged.Events(w => w.AddParameters(model, 1, new ParameterLogOptions { Histograms = false, Norms = false }));
        Assert.AreEqual(0, none.Count);
        using var x = torch.ones(1, 3);
        using var y = model.forward(x);
        y.sum().backward();
        var gradsOnly = Logged.Events(w => w.AddParameters(model, 1, new ParameterLogOptions { Values = false, Filter = n => n.StartsWith("fc2") }));
        CollectionAssert.AreEqual(new[] { "fc2.bias/grad", "fc2.bias/grad_norm", "fc2.weight/grad", "fc2.weight/grad_norm", "global_grad_norm" },
            gradsOnly.SelectMany(e => e.Summary.Value).Select(v => v.Tag).Order(StringComparer.Ordinal).ToArray());
        // d(sum y)/d(fc2.bias) = 1 exactly.
        Assert.AreEqual(1.0, Logged.Scalar(gradsOnly.SelectMany(e => e.Summary.Value).Single(v => v.Tag == "fc2.bias/grad_norm")), 1e-7);
    }

    [TestMethod]
    public void ModuleParameterSourceReadsAndWritesTheModule()
    {
        using var model = Known();
        var source = new ModuleParameterSource(model);
        CollectionAssert.AreEqual(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, source.ParameterNames.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3 }, source.GetShape("fc1.weight").ToArray());
        var fc1 = model.named_parameters().First().parameter;
        CollectionAssert.AreEqual(fc1.data<float>().ToArray(), source.GetValues("fc1.weight").ToArray());
        source.SetValues("fc1.weight", [1, 2, 3, 4, 5, 6]);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5, 6 }, fc1.data<float>().ToArray());
        var snapshot = TbLogger.Training.ParameterSnapshot.Capture(source);
        source.SetValues("fc1.weight", new float[6]);
        snapshot.Restore(source);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5, 6 }, fc1.data<float>().ToArray());
        var e = Assert.ThrowsExactly<ArgumentException>(() => source.SetValues("fc1.bias", [1, 2, 3]));
        StringAssert.Contains(e.Message, "[2]");
        Assert.ThrowsExactly<ArgumentException>(() => source.GetValues("nope"));
    }

    [TestMethod]
    public void ModuleParameterSourceCopiesFloat64Parameters()
    {
        using var model = Known();
        model.to(ScalarType.Float64);
        var source = new ModuleParameterSource(model, n => n.StartsWith("fc2"));
        CollectionAssert.AreEqual(new[] { "fc2.weight", "fc2.bias" }, source.ParameterNames.ToArray());
        var p = model.named_parameters().First(q => q.name == "fc2.weight").parameter;
        CollectionAssert.AreEqual(p.data<double>().ToArray().Select(v => (float)v).ToArray(), source.GetValues("fc2.weight").ToArray());
        source.SetValues("fc2.weight", [0.25f, -4]);
        CollectionAssert.AreEqual(new double[] { 0.25, -4 }, p.data<double>().ToArray());
    }

    [TestMethod]
    public void TensorBoardCallbackLogsWeightHistogramsFromTheModule()
    {
        using var model = Known();
        string dir = Logged.NewDirectory();
        try
        {
            var tb = new TbLogger.Training.TensorBoardCallback(dir, new TbLogger.Training.TensorBoardCallbackOptions { HistogramFrequency = 1 });
            using (var callbacks = new TbLogger.Training.CallbackList([tb],
                       new TbLogger.Training.TrainingContext { Epochs = 1, Parameters = new ModuleParameterSource(model) }))
            {
                callbacks.OnTrainBegin();
                callbacks.OnEpochBegin(0);
                callbacks.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 0.5 });
                callbacks.OnTrainEnd();
            }
            string file = Directory.GetFiles(Path.Combine(dir, "train"), "events.out.tfevents.*").Single();
            var histograms = TbLogger.Events.EventFileReader.Read(file).SelectMany(e => e.Summary?.Value.Where(v => v.Histo is not null) ?? [])
                .ToDictionary(v => v.Tag, v => v.Histo);
            CollectionAssert.AreEquivalent(new[] { "fc1.weight/histogram", "fc1.bias/histogram", "fc2.weight/histogram", "fc2.bias/histogram" }, histograms.Keys.ToArray());
            var fc1 = model.named_parameters().First().parameter.data<float>().ToArray();
            Assert.AreEqual(6.0, histograms["fc1.weight/histogram"].Num);
            Assert.AreEqual(fc1.Sum(v => (double)v), histograms["fc1.weight/histogram"].Sum, 1e-5);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
