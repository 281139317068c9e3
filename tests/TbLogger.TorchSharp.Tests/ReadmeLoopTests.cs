using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp.Tests;

[TestClass]
public sealed class ReadmeLoopTests
{
    // The README's TorchSharp loop, as written there (log directory aside), and what it logs.
    [TestMethod]
    public void TheReadmeLoopRunsAndLogsLossParametersAndGraph()
    {
        var events = Logged.Events(writer =>
        {
            torch.manual_seed(3);
            var model = nn.Sequential(("fc1", nn.Linear(64, 32)), ("relu", nn.ReLU()), ("fc2", nn.Linear(32, 10)));
            var optimizer = torch.optim.Adam(model.parameters(), 0.003);
            var lossFn = nn.CrossEntropyLoss();
            using var x = torch.rand(128, 64);
            using var y = torch.randint(0, 10, [128]);
            writer.AddGraph(model, x);                                  // GRAPHS: leaf modules, shapes on the edges
            for (int step = 0; step < 100; step++)
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                var loss = lossFn.call(model.call(x), y);
                loss.backward();
                writer.AddScalar("loss", loss, step);                   // a 0-d tensor
                if (step % 10 == 0) writer.AddParameters(model, step);  // weights, gradients, their L2 norms
                optimizer.step();
            }
        });
        Assert.AreEqual(1, events.Count(e => !e.GraphDef.IsEmpty));
        var losses = events.SelectMany(e => e.Summary?.Value.Where(v => v.Tag == "loss").Select(v => Logged.Scalar(v)) ?? []).ToList();
        Assert.AreEqual(100, losses.Count);
        Assert.IsTrue(losses[^1] < losses[0] * 0.5, $"the loss falls: {losses[0]} → {losses[^1]}");
        Assert.AreEqual(10, events.SelectMany(e => e.Summary?.Value.Where(v => v.Tag == "fc1.weight/grad") ?? []).Count());
    }
}
