"""PyTorch definitions (no torchvision) of the networks in the zoo.

Each factory returns an ``nn.Module`` carrying ``input_shape`` (per-sample shape,
batch excluded) so :func:`ppa_sim.network.torch_import.from_torch` can trace it
without an example input. The zoo (:mod:`ppa_sim.network.zoo`) is built from these
definitions, and the accuracy path trains / converts the very same modules, so layer
names (module qualified names such as ``features.0`` or ``layer1.0.conv1``) match.

Sources of the layer configurations are cited at each factory. Every module is used
once in ``forward`` (no shared ReLU instances), so each layer name is unique.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "alexnet", "googlenet_cifar", "lenet5", "mobilenet_v2", "resnet18", "resnet20",
    "resnet50", "resnet56", "vgg16", "vgg8", "vit_tiny", "FACTORIES",
]


def _tag(model: nn.Module, input_shape: tuple[int, ...], description: str) -> nn.Module:
    model.input_shape = tuple(input_shape)  # type: ignore[attr-defined]
    model.description = description  # type: ignore[attr-defined]
    return model


# --------------------------------------------------------------------------- VGG
class VGG(nn.Module):
    """Plain VGG: ``features`` (conv/ReLU/max-pool) then ``classifier`` (linear/ReLU)."""

    def __init__(self, cfg: list[int | str], in_channels: int, classifier: list[int],
                 *, bias: bool, batch_norm: bool = False) -> None:
        super().__init__()
        feats: list[nn.Module] = []
        c = in_channels
        for v in cfg:
            if v == "M":
                feats.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                feats.append(nn.Conv2d(c, int(v), kernel_size=3, padding=1, bias=bias))
                if batch_norm:
                    feats.append(nn.BatchNorm2d(int(v)))
                feats.append(nn.ReLU())
                c = int(v)
        self.features = nn.Sequential(*feats)
        self.flatten = nn.Flatten()
        cls: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(classifier[:-1], classifier[1:], strict=False)):
            cls.append(nn.Linear(a, b, bias=bias))
            if i < len(classifier) - 2:
                cls.append(nn.ReLU())
        self.classifier = nn.Sequential(*cls)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.features(x)))


def vgg8(num_classes: int = 10) -> nn.Module:
    """VGG-8 for CIFAR-10 as used by DNN+NeuroSim V1.3/V1.4 (Inference_pytorch/models/VGG.py
    and NetWork_VGG8.csv): conv 128-128-M-256-256-M-512-512-M (3x3, 'same'), fc 8192-1024-10,
    no bias, no batch-norm. ~0.616 GMAC (NeuroSim reports 2 ops per MAC)."""
    cfg: list[int | str] = [128, 128, "M", 256, 256, "M", 512, 512, "M"]
    return _tag(VGG(cfg, 3, [8192, 1024, num_classes], bias=False), (3, 32, 32),
                "VGG-8 CIFAR-10 (DNN+NeuroSim)")


def vgg16(num_classes: int = 1000) -> nn.Module:
    """VGG-16 (configuration D) for ImageNet 224x224, Simonyan & Zisserman, ICLR 2015,
    Table 1; fc 25088-4096-4096-1000 with biases. 138 M parameters (their Table 2)."""
    cfg: list[int | str] = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
                            512, 512, 512, "M", 512, 512, 512, "M"]
    return _tag(VGG(cfg, 3, [512 * 7 * 7, 4096, 4096, num_classes], bias=True),
                (3, 224, 224), "VGG-16 ImageNet 224 (Simonyan & Zisserman 2015)")


# ------------------------------------------------------------------ CIFAR ResNet
class CifarBasicBlock(nn.Module):
    """Two 3x3 convs with an identity shortcut; when the shape changes the shortcut is
    He et al.'s option A (stride-2 subsampling + zero-padded channels, no parameters)."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu2 = nn.ReLU()
        self.stride = stride
        self.pad_channels = cout - cin

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        shortcut = x
        if self.stride != 1 or self.pad_channels:
            p = self.pad_channels // 2
            shortcut = F.pad(x[:, :, ::self.stride, ::self.stride],
                             (0, 0, 0, 0, p, self.pad_channels - p))
        return self.relu2(out + shortcut)


class CifarResNet(nn.Module):
    def __init__(self, blocks_per_stage: int, num_classes: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU()
        stages = []
        cin = 16
        for i, cout in enumerate((16, 32, 64)):
            blocks = []
            for j in range(blocks_per_stage):
                stride = 2 if (i > 0 and j == 0) else 1
                blocks.append(CifarBasicBlock(cin, cout, stride))
                cin = cout
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(self.flatten(self.avgpool(x)))


def resnet20(num_classes: int = 10) -> nn.Module:
    """ResNet-20 for CIFAR-10, He et al., CVPR 2016, Sec. 4.2 (6n+2 layers, n=3,
    16/32/64 channels, option-A shortcuts): 0.27 M parameters (their Table 6)."""
    return _tag(CifarResNet(3, num_classes), (3, 32, 32), "ResNet-20 CIFAR-10 (He et al. 2016)")


def resnet56(num_classes: int = 10) -> nn.Module:
    """ResNet-56 for CIFAR-10 (n=9), He et al., CVPR 2016, Sec. 4.2: 0.85 M parameters
    (their Table 6)."""
    return _tag(CifarResNet(9, num_classes), (3, 32, 32), "ResNet-56 CIFAR-10 (He et al. 2016)")


# --------------------------------------------------------------- ImageNet ResNet
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin: int, width: int, stride: int) -> None:
        super().__init__()
        cout = width * self.expansion
        self.conv1 = nn.Conv2d(cin, width, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(width, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu2 = nn.ReLU()
        self.downsample = _projection(cin, cout, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        identity = self.downsample(x) if self.downsample is not None else x
        return self.relu2(out + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (carrying the stride, torchvision's "ResNet v1.5"), 1x1 expand."""

    expansion = 4

    def __init__(self, cin: int, width: int, stride: int) -> None:
        super().__init__()
        cout = width * self.expansion
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu3 = nn.ReLU()
        self.downsample = _projection(cin, cout, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = self.downsample(x) if self.downsample is not None else x
        return self.relu3(out + identity)


def _projection(cin: int, cout: int, stride: int) -> nn.Module | None:
    """He et al.'s option B: 1x1 projection only where the shape changes."""
    if stride == 1 and cin == cout:
        return None
    return nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                         nn.BatchNorm2d(cout))


class ResNet(nn.Module):
    def __init__(self, block: type[BasicBlock] | type[Bottleneck], layers: list[int],
                 num_classes: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        cin = 64
        stages = []
        for i, (width, n) in enumerate(zip((64, 128, 256, 512), layers, strict=True)):
            blocks = []
            for j in range(n):
                blocks.append(block(cin, width, 2 if (i > 0 and j == 0) else 1))
                cin = width * block.expansion
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.flatten(self.avgpool(x)))


def resnet18(num_classes: int = 1000) -> nn.Module:
    """ResNet-18 for ImageNet 224x224, He et al., CVPR 2016, Table 1: 1.8 G multiply-adds,
    11.7 M parameters (torchvision docs: 11,689,512 params, 1.81 GFLOPS)."""
    return _tag(ResNet(BasicBlock, [2, 2, 2, 2], num_classes), (3, 224, 224),
                "ResNet-18 ImageNet 224 (He et al. 2016)")


def resnet50(num_classes: int = 1000) -> nn.Module:
    """ResNet-50 for ImageNet 224x224 with the stride on the 3x3 conv (torchvision
    "v1.5": 25,557,032 params, 4.09 G multiply-adds per torchvision docs; He et al. 2016
    Table 1 gives 3.8 G for the original stride-on-1x1 variant)."""
    return _tag(ResNet(Bottleneck, [3, 4, 6, 3], num_classes), (3, 224, 224),
                "ResNet-50 ImageNet 224 (He et al. 2016, v1.5)")


# ------------------------------------------------------------------ GoogLeNet
class _ConvBnRelu(nn.Sequential):
    def __init__(self, cin: int, cout: int, k: int) -> None:
        super().__init__(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU())


class Inception(nn.Module):
    """Four branches (1x1 | 1x1->3x3 | 1x1->5x5 | 3x3 max-pool->1x1), concatenated."""

    def __init__(self, cin: int, c1: int, c3r: int, c3: int, c5r: int, c5: int,
                 pool_proj: int) -> None:
        super().__init__()
        self.branch1 = _ConvBnRelu(cin, c1, 1)
        self.branch2 = nn.Sequential(_ConvBnRelu(cin, c3r, 1), _ConvBnRelu(c3r, c3, 3))
        self.branch3 = nn.Sequential(_ConvBnRelu(cin, c5r, 1), _ConvBnRelu(c5r, c5, 5))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1),
                                     _ConvBnRelu(cin, pool_proj, 1))
        self.out_channels = c1 + c3 + c5 + pool_proj

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x),
                          self.branch4(x)], dim=1)


#: Szegedy et al., "Going deeper with convolutions", CVPR 2015, Table 1:
#: (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj) per inception module.
_INCEPTION_CFG = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64), "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128), "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


class GoogLeNetCifar(nn.Module):
    """GoogLeNet for 32x32 inputs: a single 3x3 stem conv (192 ch) replaces the ImageNet
    7x7/s2 stem and its pools; inception 3a-5b as in Szegedy et al. Table 1, max-pools
    after 3b and 4e, global average pool, one linear classifier (no auxiliary heads)."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.pre_layers = _ConvBnRelu(3, 192, 3)
        c = 192
        for name, cfg in _INCEPTION_CFG.items():
            block = Inception(c, *cfg)
            setattr(self, f"inception{name}", block)
            c = block.out_channels
        self.maxpool3 = nn.MaxPool2d(3, stride=2, padding=1)
        self.maxpool4 = nn.MaxPool2d(3, stride=2, padding=1)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pre_layers(x)
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4c(self.inception4b(self.inception4a(x)))
        x = self.maxpool4(self.inception4e(self.inception4d(x)))
        x = self.inception5b(self.inception5a(x))
        return self.fc(self.flatten(self.avgpool(x)))


def googlenet_cifar(num_classes: int = 10) -> nn.Module:
    """GoogLeNet (Szegedy et al. 2015, Table 1 inception widths) adapted to CIFAR-10."""
    return _tag(GoogLeNetCifar(num_classes), (3, 32, 32),
                "GoogLeNet CIFAR-10 variant (Szegedy et al. 2015 inception widths)")


# -------------------------------------------------------------------- AlexNet
class AlexNet(nn.Module):
    """Single-tower AlexNet of Krizhevsky, "One weird trick for parallelizing
    convolutional neural networks", arXiv:1404.5997 (2014) (64-192-384-256-256 channels),
    the variant torchvision ships: 61.1 M parameters, 0.71 G multiply-adds."""

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(),
            nn.MaxPool2d(3, stride=2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(3, stride=2),
        )
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Dropout(), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
            nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.features(x)))


def alexnet(num_classes: int = 1000) -> nn.Module:
    """AlexNet (single-tower, 224x224 input)."""
    return _tag(AlexNet(num_classes), (3, 224, 224), "AlexNet ImageNet 224 (Krizhevsky 2014)")


# ---------------------------------------------------------------- MobileNetV2
class InvertedResidual(nn.Module):
    """1x1 expand (skipped for t=1) -> 3x3 depthwise -> 1x1 linear projection."""

    def __init__(self, cin: int, cout: int, stride: int, expand: int) -> None:
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        layers: list[nn.Module] = []
        if expand != 1:
            layers += [nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden),
                       nn.ReLU6()]
        layers += [nn.Conv2d(hidden, hidden, 3, stride=stride, padding=1, groups=hidden,
                             bias=False), nn.BatchNorm2d(hidden), nn.ReLU6(),
                   nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv(x) if self.use_res else self.conv(x)


class MobileNetV2(nn.Module):
    #: Sandler et al., "MobileNetV2", CVPR 2018, Table 2: (t expansion, c, n, s).
    CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
           (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        feats: list[nn.Module] = [nn.Sequential(nn.Conv2d(3, 32, 3, stride=2, padding=1,
                                                          bias=False),
                                                nn.BatchNorm2d(32), nn.ReLU6())]
        c = 32
        for t, cout, n, s in self.CFG:
            for i in range(n):
                feats.append(InvertedResidual(c, cout, s if i == 0 else 1, t))
                c = cout
        feats.append(nn.Sequential(nn.Conv2d(c, 1280, 1, bias=False), nn.BatchNorm2d(1280),
                                   nn.ReLU6()))
        self.features = nn.Sequential(*feats)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.avgpool(self.features(x))))


def mobilenet_v2(num_classes: int = 1000) -> nn.Module:
    """MobileNetV2 1.0x, 224x224 (Sandler et al. 2018, Table 4: 300 M multiply-adds,
    3.4 M parameters; torchvision: 3,504,872 parameters)."""
    return _tag(MobileNetV2(num_classes), (3, 224, 224),
                "MobileNetV2 1.0x ImageNet 224 (Sandler et al. 2018)")


# -------------------------------------------------------------------- LeNet-5
class LeNet5(nn.Module):
    """LeNet-5 (LeCun et al., Proc. IEEE 1998, Fig. 2) on 28x28 MNIST: C1 is padded by 2
    so its output is 28x28 as in the paper's 32x32 input; ReLU and max-pool replace the
    paper's squashing function and trainable sub-sampling; C5 is the 400->120 linear."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(120, 84)
        self.relu4 = nn.ReLU()
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.relu3(self.fc1(self.flatten(x)))
        return self.fc3(self.relu4(self.fc2(x)))


def lenet5(num_classes: int = 10) -> nn.Module:
    """LeNet-5 for 1x28x28 MNIST (61.7 k parameters)."""
    return _tag(LeNet5(num_classes), (1, 28, 28), "LeNet-5 MNIST (LeCun et al. 1998)")


# ------------------------------------------------------------------------ ViT
class Attention(nn.Module):
    """Multi-head self-attention written with nn.Linear + torch.matmul, so the static
    projections (qkv, proj) map to crossbars and the two activation products are
    ``matmul`` layers."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.softmax = nn.Softmax(dim=-1)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = self.softmax(torch.matmul(q, k.transpose(-2, -1)) * self.scale)
        out = torch.matmul(attn, v).transpose(1, 2).reshape(b, t, d)
        return self.proj(out)


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class EncoderBlock(nn.Module):
    def __init__(self, dim: int, heads: int, mlp_ratio: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, dim * mlp_ratio)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    """ViT (Dosovitskiy et al., ICLR 2021): patch-embedding conv, class token, learned
    position embedding, pre-norm encoder blocks, class-token linear head."""

    def __init__(self, img_size: int, patch: int, dim: int, depth: int, heads: int,
                 mlp_ratio: int, num_classes: int, in_channels: int = 3) -> None:
        super().__init__()
        self.patch_embed = nn.Conv2d(in_channels, dim, patch, stride=patch)
        tokens = (img_size // patch) ** 2 + 1
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, tokens, dim))
        self.blocks = nn.Sequential(*[EncoderBlock(dim, heads, mlp_ratio)
                                      for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


def vit_tiny(num_classes: int = 1000, img_size: int = 224, patch: int = 16,
             depth: int = 12) -> nn.Module:
    """ViT-Tiny / DeiT-Ti (Touvron et al., ICML 2021, Table 1: 192 dim, 3 heads, 12 blocks,
    5.7 M parameters, 1.3 G multiply-adds at 224x224)."""
    return _tag(VisionTransformer(img_size, patch, 192, depth, 3, 4, num_classes),
                (3, img_size, img_size), "ViT-Tiny/16 (DeiT-Ti, Touvron et al. 2021)")


#: Zoo name -> factory, in the order ``ppa-sim list networks`` shows them.
FACTORIES = {
    "vgg8": vgg8, "vgg16": vgg16, "resnet20": resnet20, "resnet56": resnet56,
    "resnet18": resnet18, "resnet50": resnet50, "googlenet_cifar": googlenet_cifar,
    "alexnet": alexnet, "mobilenet_v2": mobilenet_v2, "lenet5": lenet5, "vit_tiny": vit_tiny,
}
