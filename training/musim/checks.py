"""Checks of MusIm's training side that are easy to get subtly wrong: shapes, the schedule and its
targets, the null condition, the image measures, the picture grouping, and the exported bundle
against the contract (parity through onnxruntime at batch sizes other than the trace's, manifest
fields, determinism of --untrained). Exits non-zero with a message on the first failure (~15 s).

    python3 training/musim/checks.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from common.onnx_runner import cpu_session
from musim.export import example_inputs, untrained, write_bundle
from musim.model import PRESETS, Autoencoder, Denoiser
from musim.pictures import is_heldout, picture_group
from musim.runloop import lr_factor, psnr, ssim
from musim.schedule import TRAIN_STEPS, add_noise, cosine_alphas_cumprod, predict_x0, target


def check(ok: bool, what: str) -> None:
    if not ok:
        print(f"FAILED: {what}")
        sys.exit(1)


def check_shapes() -> None:
    preset = PRESETS["tiny"]
    ae, den = Autoencoder(preset.autoencoder).eval(), Denoiser(preset.denoiser).eval()
    with torch.no_grad():
        mean, logvar = ae.encode(torch.zeros(2, 3, 256, 256))
        check(mean.shape == (2, 4, 32, 32) and logvar.shape == mean.shape, f"encoder 256 -> {tuple(mean.shape)}")
        check(ae.decode(mean).shape == (2, 3, 256, 256), "decoder 32 -> 256")
        check(ae.encode(torch.zeros(1, 3, 96, 96))[0].shape == (1, 4, 12, 12), "fully convolutional (96 px crops train it)")
        ins = example_inputs(3, 4, 128)
        check(den(*ins.values()).shape == (3, 4, 32, 32), "denoiser output shape")


def check_schedule() -> None:
    a = cosine_alphas_cumprod()
    check(len(a) == TRAIN_STEPS and a.dtype == np.float32, "trainSteps float32 values")
    check(bool((np.diff(a) < 0).all()) and 0 < a[-1] < 1e-6 and a[0] > 0.9999, f"strictly decreasing in (0, 1): {a[0]}, {a[-1]}")
    abar = torch.from_numpy(a)
    gen = torch.Generator().manual_seed(0)
    x0, eps = torch.randn(4, 4, 8, 8, generator=gen), torch.randn(4, 4, 8, 8, generator=gen)
    t = torch.tensor([0, 250, 700, 999])
    xt = add_noise(x0, eps, t, abar)
    for kind in ("epsilon", "v"):
        got = predict_x0(xt, target(x0, eps, t, abar, kind), t, abar, kind)
        tol = 1e-4 if kind == "v" else 1e-2   # epsilon at t=999 divides by sqrt(abar) ~ 5e-5
        check(float((got[:3] - x0[:3]).abs().max()) < tol, f"{kind}: the exact target gives x0 back")
    v = target(x0, eps, t, abar, "v")
    a_t = abar[t].view(-1, 1, 1, 1)
    check(float((a_t.sqrt() * eps - (1 - a_t).sqrt() * x0 - v).abs().max()) < 1e-6, "v = sqrt(abar) eps - sqrt(1-abar) x0")
    check(lr_factor(0.0, 0, 10, 0.1) == 0.1 and abs(lr_factor(1.0, 100, 10, 0.1) - 0.1) < 1e-9 and lr_factor(0.0, 10, 10, 0.1) == 1.0,
          "warm-up then cosine to the floor")


def check_null_condition() -> None:
    torch.manual_seed(0)
    _, den = untrained("tiny", 0)
    ins = example_inputs(2, 4, 128)
    ins["cond_mask"] = torch.zeros(2)
    other = dict(ins, cond=torch.nn.functional.normalize(torch.randn(2, 128), dim=-1))
    with torch.no_grad():
        a, b = den(*ins.values()), den(*other.values())
        check(float((a - b).abs().max()) == 0.0, "cond_mask 0: the condition vector is ignored")
        ins["cond_mask"], other["cond_mask"] = torch.ones(2), torch.ones(2)
        check(float((den(*ins.values()) - den(*other.values())).abs().max()) > 1e-6, "cond_mask 1: the condition matters")
        late = dict(ins, timestep=ins["timestep"] + 100)
        check(float((den(*ins.values()) - den(*late.values())).abs().max()) > 1e-6, "the timestep matters")


def check_measures() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(2, 3, 64, 64, generator=gen) * 2 - 1
    check(abs(float(ssim(x, x).mean()) - 1) < 1e-5, "SSIM of a picture with itself is 1")
    a, b = ((x + s * torch.randn(x.shape, generator=gen)).clamp(-1, 1) for s in (0.1, 0.5))
    check(1 > float(ssim(a, x).mean()) > float(ssim(b, x).mean()), "SSIM falls with noise")
    p = float(psnr(x + 0.02, x).mean())   # a 0.01 error on [0, 1] -> 40 dB
    check(abs(p - 40.0) < 0.1, f"PSNR of a uniform 0.01 error is 40 dB ({p:.2f})")


def check_pictures() -> None:
    g1 = picture_group(Path("/usr/share/wallpapers/Kite/contents/images/1920x1080.png"))
    g2 = picture_group(Path("/usr/share/wallpapers/Kite/contents/images_dark/3840x2160.png"))
    check(g1[0] == g2[0] == "plasma:Kite" and g1[1] != g2[1], "a Plasma wallpaper's sizes and dark version are one group")
    s1 = picture_group(Path("/usr/share/backgrounds/sway/Sway_Wallpaper_Blue_1366x768.png"))
    s2 = picture_group(Path("/usr/share/backgrounds/sway/Sway_Wallpaper_Blue_2048x1536.png"))
    check(s1 == s2, f"resolutions stripped from file names ({s1}, {s2})")
    d, l_ = picture_group(Path("/usr/share/backgrounds/gnome/wood-d.webp")), picture_group(Path("/usr/share/backgrounds/gnome/wood-l.webp"))
    check(d[0] == l_[0], "GNOME dark and light versions share a group")
    check(is_heldout("plasma:Autumn") == is_heldout("plasma:Autumn"), "the held-out rule is a pure function")


def check_export() -> None:
    ae, den = untrained("tiny", 0)
    ae2, den2 = untrained("tiny", 0)
    same = all(torch.equal(a, b) for a, b in zip([*ae.state_dict().values(), *den.state_dict().values()],
                                                    [*ae2.state_dict().values(), *den2.state_dict().values()]))
    check(same, "--untrained is deterministic for a seed")
    alphas = cosine_alphas_cumprod()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "musim-test"
        m = write_bundle(ae, den, out, "musim-test", {"untrained": True}, {}, "v", alphas)
        on_disk = json.loads((out / "manifest.json").read_text())
        check(on_disk == json.loads(json.dumps(m)) and m["kind"] == "musim" and m["version"] == "1", "manifest written as returned")
        check(m["latent"]["channels"] == 4 and m["latent"]["size"] == 32 and m["image"]["size"] == 256, "latent and image blocks")
        check(m["autoencoder"]["encoder"] == "encoder.onnx" and m["autoencoder"]["decoder"] == "decoder.onnx", "autoencoder files")
        d = m["denoiser"]
        check(d["onnx"] == "denoiser.onnx" and d["prediction"] in ("epsilon", "v") and d["trainSteps"] == TRAIN_STEPS
              and d["alphasCumprod"] == [float(a) for a in alphas], "denoiser block, alphasCumprod as trained")
        check(set(m["encoder"]) >= {"name", "version", "dim", "files"} and m["encoder"]["dim"] == 128, "encoder pin")
        check(max(m["metrics"]["onnxParity"].values()) < 1e-4, f"parity {m['metrics']['onnxParity']}")
        enc, dec, dn = (cpu_session(out / f) for f in ("encoder.onnx", "decoder.onnx", "denoiser.onnx"))
        check([i.name for i in dn.get_inputs()] == ["latent", "timestep", "cond", "cond_mask"] and dn.get_outputs()[0].name == "prediction",
              "denoiser input and output names")
        check(enc.get_inputs()[0].name == "image" and enc.get_outputs()[0].name == "latent"
              and dec.get_inputs()[0].name == "latent" and dec.get_outputs()[0].name == "image", "autoencoder names")
        for b in (1, 4):
            ins = {k: v.numpy() for k, v in example_inputs(b, 4, 128, seed=b).items()}
            got = dn.run(None, ins)[0]
            with torch.no_grad():
                ref = den(*(torch.from_numpy(v) for v in ins.values())).numpy()
            check(got.shape == (b, 4, 32, 32) and float(np.abs(got - ref).max()) < 1e-4, f"denoiser at batch {b}")
            lat = enc.run(None, {"image": np.zeros((b, 3, 256, 256), np.float32)})[0]
            img = dec.run(None, {"latent": lat})[0]
            check(lat.shape == (b, 4, 32, 32) and img.shape == (b, 3, 256, 256), f"autoencoder at batch {b}")
        # the calibration is folded in: encoder.onnx returns (mean - shift) * scale
        x = torch.zeros(1, 3, 256, 256)
        with torch.no_grad():
            want = ((ae.encode(x)[0] - ae.latent_shift.view(1, -1, 1, 1)) * ae.latent_scale).numpy()
        check(float(np.abs(enc.run(None, {"image": x.numpy()})[0] - want).max()) < 1e-4, "latent scaling folded into encoder.onnx")


def main() -> None:
    torch.set_num_threads(2)
    check_shapes()
    check_schedule()
    check_null_condition()
    check_measures()
    check_pictures()
    check_export()
    print("musim checks passed")


if __name__ == "__main__":
    main()
