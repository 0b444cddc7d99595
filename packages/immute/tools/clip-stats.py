"""Spectral statistics of corpus clips, for describing what they sound like.

usage: python3 packages/immute/tools/clip-stats.py CORPUS_DIR INDEX [INDEX ...]
Prints, per clip: the plan (style, key, tempo, parts, recording) and measured loudness (RMS dBFS),
spectral centroid, 95% roll-off, band energy shares (<250 Hz, 250 Hz-2 kHz, >2 kHz),
onset rate (spectral-flux peaks per second) and the strongest inter-onset tempo.
"""
import json
import sys

import numpy as np
import soundfile as sf


def stats(path):
    x, sr = sf.read(path)
    n, hop = 1024, 256
    frames = np.lib.stride_tricks.sliding_window_view(x, n)[::hop] * np.hanning(n)
    mag = np.abs(np.fft.rfft(frames, axis=1))
    freqs = np.fft.rfftfreq(n, 1 / sr)
    power = mag ** 2
    total = power.sum()
    centroid = float((power.sum(0) * freqs).sum() / total)
    cumulative = np.cumsum(power.sum(0)) / total
    rolloff = float(freqs[np.searchsorted(cumulative, 0.95)])
    bands = [power[:, freqs < 250].sum() / total, power[:, (freqs >= 250) & (freqs < 2000)].sum() / total, power[:, freqs >= 2000].sum() / total]
    flux = np.maximum(0, np.diff(np.log1p(mag), axis=0)).sum(1)
    thresh = np.median(flux) + 1.5 * flux.std()
    peaks = [i for i in range(1, len(flux) - 1) if flux[i] > thresh and flux[i] >= flux[i - 1] and flux[i] >= flux[i + 1]]
    onset_rate = len(peaks) / (len(x) / sr)
    env = flux - flux.mean()
    ac = np.correlate(env, env, 'full')[len(env) - 1:]
    fps = sr / hop
    lags = np.arange(len(ac))
    ok = (lags >= fps * 60 / 200) & (lags <= fps * 60 / 50)
    best = lags[ok][np.argmax(ac[ok])]
    return {
        'rmsDb': round(float(20 * np.log10(np.sqrt((x ** 2).mean()) + 1e-9)), 1),
        'centroidHz': round(centroid),
        'rolloff95Hz': round(rolloff),
        'bandShares': [round(float(b), 2) for b in bands],
        'onsetsPerSecond': round(onset_rate, 1),
        'fluxTempoBpm': round(60 * fps / best),
    }


def main():
    corpus, indices = sys.argv[1], [int(i) for i in sys.argv[2:]]
    entries = {}
    with open(f'{corpus}/manifest.jsonl') as f:
        for line in f:
            e = json.loads(line)
            if e['index'] in indices:
                entries[e['index']] = e
    for i in indices:
        e = entries[i]
        m = e['music']
        plan = {
            'style': m['style'], 'key': f"{m['key']} {m['mode']}", 'bpm': m['bpm'], 'meter': m['meter'],
            'parts': [f"{p['role']}: {p['instrument']}" for p in m['parts']] + ([f"drums: {m['drums']['pattern']} ({m['drums']['kit']})"] if m['drums'] else []),
            'recording': {k: v for k, v in m['recording'].items() if v is True},
        }
        print(json.dumps({'index': i, 'caption': e['caption'][:160], 'plan': plan, 'measured': stats(f"{corpus}/{e['files']['audio']}")}))


if __name__ == '__main__':
    main()
