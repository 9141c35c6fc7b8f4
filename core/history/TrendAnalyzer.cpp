#include "history/TrendAnalyzer.h"

#include "history/RankFenwick.h"
#include "history/Statistics.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace accel {

TrendAnalyzer::Result TrendAnalyzer::analyze(std::span<const double> values, const Options &options)
{
    Result r;
    const int n = int(values.size());
    r.points = n;
    if (n < std::max(3, options.minPoints)) {
        return r;
    }
    r.enoughHistory = true;

    // Theil-Sen slope.
    std::vector<double> slopes;
    if (n <= options.exactLimit) {
        slopes.reserve(size_t(n) * size_t(n - 1) / 2);
        for (int i = 0; i < n; ++i) {
            for (int j = i + 1; j < n; ++j) {
                slopes.push_back((values[size_t(j)] - values[size_t(i)]) / double(j - i));
            }
        }
    } else {
        r.exact = false;
        std::mt19937_64 rng(0x7e4d'5eedULL);
        std::uniform_int_distribution<int> pick(0, n - 1);
        slopes.reserve(size_t(options.sampledPairs));
        while (int(slopes.size()) < options.sampledPairs) {
            int i = pick(rng);
            int j = pick(rng);
            if (i == j) {
                continue;
            }
            if (i > j) {
                std::swap(i, j);
            }
            slopes.push_back((values[size_t(j)] - values[size_t(i)]) / double(j - i));
        }
    }
    r.slopePerPoint = Statistics::median(slopes);
    std::vector<double> residual(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        residual[size_t(i)] = values[size_t(i)] - r.slopePerPoint * i;
    }
    r.intercept = Statistics::median(residual);
    const double med = Statistics::median(values);
    r.relativeChangeOverSeries = med != 0.0 ? r.slopePerPoint * (n - 1) / std::abs(med) : 0.0;

    // Mann-Kendall S = sum_{i<j} sign(x_j - x_i), counted in O(n log n) with a Fenwick tree.
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    RankFenwick tree(int(sorted.size()));
    long double s = 0.0L;
    for (int j = 0; j < n; ++j) {
        const int rank =
            int(std::lower_bound(sorted.begin(), sorted.end(), values[size_t(j)]) - sorted.begin());
        int64_t below = 0;
        double ignored = 0.0;
        tree.below(rank, below, ignored);
        int64_t belowOrEqual = 0;
        tree.below(rank + 1, belowOrEqual, ignored);
        const int64_t above = tree.totalCount() - belowOrEqual;
        s += double(below - above);
        tree.add(rank, values[size_t(j)]);
    }
    // Variance with the tie correction.
    std::vector<double> all(values.begin(), values.end());
    std::sort(all.begin(), all.end());
    long double tieTerm = 0.0L;
    for (size_t i = 0; i < all.size();) {
        size_t j = i;
        while (j < all.size() && all[j] == all[i]) {
            ++j;
        }
        const long double t = (long double)(j - i);
        tieTerm += t * (t - 1) * (2 * t + 5);
        i = j;
    }
    const long double nn = n;
    const double var = double((nn * (nn - 1) * (2 * nn + 5) - tieTerm) / 18.0L);
    r.mannKendallS = double(s);
    if (var > 0.0) {
        const double sd = std::sqrt(var);
        if (s > 0) {
            r.mannKendallZ = (double(s) - 1.0) / sd;
        } else if (s < 0) {
            r.mannKendallZ = (double(s) + 1.0) / sd;
        }
        r.pValue = Statistics::normalTwoSidedP(r.mannKendallZ);
    }
    r.significant = r.pValue < options.alpha && r.slopePerPoint != 0.0;
    return r;
}

} // namespace accel
