using TorchSharp;
using static TorchSharp.torch;

namespace TorchSharpDigits;

/// <summary>Two 3×3 convolutions (16 and 32 channels, ReLU), a 2×2 max pool and two dense layers: [n, 1, 8, 8] → [n, 10] logits.</summary>
internal static class DigitsCnn
{
    public static nn.Module<Tensor, Tensor> Create() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 16, 3, padding: 1)),
        ("relu1", nn.ReLU()),
        ("conv2", nn.Conv2d(16, 32, 3, padding: 1)),
        ("relu2", nn.ReLU()),
        ("pool", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(32 * 4 * 4, 64)),
        ("relu3", nn.ReLU()),
        ("dropout", nn.Dropout(0.25)),
        ("fc2", nn.Linear(64, 10)));
}
