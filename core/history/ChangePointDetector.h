#pragma once

#include <QString>

#include <cstdint>
#include <span>
#include <vector>

namespace accel {

/// One detected change in the mean/distribution of a series. `index` is the first point of the
/// new regime (points [previous change, index) are "before", [index, next change) are "after").
struct ChangePoint
{
    int index = -1;
    double beforeMean = 0.0;
    double afterMean = 0.0;
    /// (after - before) / |before|; NaN when the before mean is 0.
    double relativeChange = 0.0;
    /// p-value of the significance test named in ChangePointResult::test (lower = surer).
    double pValue = 1.0;
    /// 1 - pValue.
    double confidence = 0.0;
    /// The E-Divisive energy statistic of the split when it was found.
    double qStatistic = 0.0;
};

/// E-Divisive means change-point detection (Matteson & James 2014, as used by MongoDB's and
/// Apache Otava's performance CI): hierarchical binary segmentation on the energy statistic
/// with alpha = 1. The statistic for every split of a segment is computed incrementally with a
/// Fenwick tree over value ranks, so a pass over m points costs O(m log m) instead of O(m^2);
/// one pass per permutation keeps the permutation test affordable on 10,000+ points.
class ChangePointDetector
{
public:
    enum class Significance {
        Permutation = 1, ///< permutation test on the max statistic (the original E-Divisive)
        TTest,           ///< Welch's t-test between the two sides of the split (as Otava does)
    };

    struct Options
    {
        Significance significance = Significance::Permutation;
        /// A split is accepted when its p-value is <= this.
        double maxPValue = 0.01;
        /// Permutations per tested split (Permutation only). The test stops early as soon as
        /// the split can no longer be significant.
        int permutations = 99;
        /// Changes whose |relative change of means| is below this are dropped (0 keeps all).
        double minRelativeMagnitude = 0.0;
        /// Changes smaller than this many robust standard deviations of the noise are dropped.
        double minEffectSize = 0.0;
        /// Minimum number of points on each side of a change.
        int minSegmentSize = 5;
        int maxChangePoints = 1000;
        uint64_t seed = 0x5eed'c0de'1234'5678ULL;
    };

    struct Result
    {
        std::vector<ChangePoint> changes;
        Significance test = Significance::Permutation;
        /// How many permutations ran in total (0 for the t-test).
        int64_t permutationsRun = 0;
    };

    static Result detect(std::span<const double> values, const Options &options);
    static Result detect(std::span<const double> values) { return detect(values, Options()); }

    /// The energy statistic Q for every split point tau in [minSegment, n - minSegment] of
    /// `values` (q[tau] for a split before index tau; other entries 0). Exposed for tests.
    static std::vector<double> qStatistics(std::span<const double> values, int minSegmentSize);

    static QString significanceName(Significance significance);
};

} // namespace accel
