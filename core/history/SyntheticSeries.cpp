#include "history/SyntheticSeries.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace accel {

SyntheticSeries::SyntheticSeries(uint64_t seed)
    : m_state(seed ^ 0x9e37'79b9'7f4a'7c15ULL)
{}

uint64_t SyntheticSeries::next()
{
    // splitmix64: small, fast, identical on every platform (unlike std distributions).
    uint64_t z = (m_state += 0x9e37'79b9'7f4a'7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebULL;
    return z ^ (z >> 31);
}

double SyntheticSeries::uniform()
{
    return (double(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double SyntheticSeries::gaussian()
{
    const double u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double SyntheticSeries::noise(Noise kind)
{
    switch (kind) {
    case Noise::Gaussian:
        return gaussian();
    case Noise::HeavyTailed: {
        // t(3) = Z / sqrt(chi2(3)/3); its MAD-sigma is about 0.82, rescale to ~1.
        double chi2 = 0.0;
        for (int i = 0; i < 3; ++i) {
            const double g = gaussian();
            chi2 += g * g;
        }
        return gaussian() / std::sqrt(chi2 / 3.0) / 1.2;
    }
    case Noise::Laplace: {
        const double u = uniform() - 0.5;
        return -std::copysign(1.0, u) * std::log(1.0 - 2.0 * std::abs(u)) / std::sqrt(2.0);
    }
    }
    return 0.0;
}

SyntheticSeries::Labelled SyntheticSeries::make(int n, double level, double sigma, Noise noiseKind,
                                                const std::vector<int> &steps,
                                                const std::vector<double> &stepSigmas,
                                                const std::vector<int> &spikes, double spikeSigmas)
{
    Labelled out;
    out.values.resize(size_t(std::max(0, n)));
    double current = level;
    size_t nextStep = 0;
    for (int i = 0; i < n; ++i) {
        while (nextStep < steps.size() && steps[nextStep] == i) {
            const double size =
                stepSigmas.empty() ? 3.0 : stepSigmas[std::min(nextStep, stepSigmas.size() - 1)];
            current += size * sigma;
            out.changePoints.push_back(i);
            ++nextStep;
        }
        out.values[size_t(i)] = current + sigma * noise(noiseKind);
    }
    for (int s : spikes) {
        if (s >= 0 && s < n) {
            out.values[size_t(s)] += spikeSigmas * sigma;
            out.spikes.push_back(s);
        }
    }
    return out;
}

SyntheticSeries::Labelled SyntheticSeries::random(int n, int minGap)
{
    const Noise kinds[] = {Noise::Gaussian, Noise::HeavyTailed, Noise::Laplace};
    const Noise kind = kinds[next() % 3];
    const int stepCount = int(next() % 4);
    std::vector<int> steps;
    for (int attempt = 0; attempt < 200 && int(steps.size()) < stepCount; ++attempt) {
        const int at = minGap + int(next() % uint64_t(std::max(1, n - 2 * minGap)));
        bool ok = true;
        for (int s : steps) {
            ok = ok && std::abs(s - at) >= minGap;
        }
        if (ok) {
            steps.push_back(at);
        }
    }
    std::sort(steps.begin(), steps.end());
    std::vector<double> sizes;
    for (size_t i = 0; i < steps.size(); ++i) {
        const double magnitude = 1.5 + 4.5 * uniform();
        sizes.push_back(next() % 2 ? magnitude : -magnitude);
    }
    std::vector<int> spikes;
    const int spikeCount = int(next() % 3);
    for (int i = 0; i < spikeCount; ++i) {
        spikes.push_back(int(next() % uint64_t(n)));
    }
    const double level = 50.0 + 100.0 * uniform();
    const double sigma = level * (0.005 + 0.03 * uniform());
    return make(n, level, sigma, kind, steps, sizes, spikes, 8.0 + 8.0 * uniform());
}

} // namespace accel
