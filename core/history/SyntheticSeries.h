#pragma once

#include <cstdint>
#include <vector>

namespace accel {

/// Labelled series with known change points, spikes and noise, for the detectors' tests, the
/// precision/recall evaluation and `accelctl bench history`. Deterministic for a given seed.
class SyntheticSeries
{
public:
    enum class Noise {
        Gaussian = 1,
        HeavyTailed, ///< Student t with 3 degrees of freedom, scaled to unit robust sigma
        Laplace,
    };

    struct Labelled
    {
        std::vector<double> values;
        std::vector<int> changePoints; ///< first index of each new regime
        std::vector<int> spikes;
    };

    explicit SyntheticSeries(uint64_t seed);

    /// Noise around `level` (sigma = `sigma`), steps of `stepSigmas` noise-sigmas at the given
    /// indices (signs alternate unless `allUp`), single-point spikes of `spikeSigmas`.
    Labelled make(int n, double level, double sigma, Noise noise, const std::vector<int> &steps,
                  const std::vector<double> &stepSigmas, const std::vector<int> &spikes, double spikeSigmas);

    /// A random labelled series: 0-3 steps of 1.5-6 sigma at least `minGap` apart, 0-2 spikes, a
    /// random noise type.
    Labelled random(int n, int minGap);

    double noise(Noise kind);

private:
    uint64_t next();
    double uniform();
    double gaussian();
    uint64_t m_state;
};

} // namespace accel
