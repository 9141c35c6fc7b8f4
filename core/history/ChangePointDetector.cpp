#include "history/ChangePointDetector.h"

#include "history/RankFenwick.h"
#include "history/Statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace accel {

namespace {

// Values of one segment, rank-compressed once so that every permutation reuses the ranks.
struct RankedSegment
{
    std::vector<double> values;
    std::vector<int> ranks;
    std::vector<double> sortedUnique;
    std::vector<int64_t> allCountBelow; // per rank: how many values of the segment have a lower rank
    std::vector<double> allSumBelow;
    double allSum = 0.0;
    double withinAll = 0.0; // sum over pairs |x_i - x_j| of the whole segment
};

RankedSegment rankSegment(std::span<const double> values)
{
    RankedSegment seg;
    seg.values.assign(values.begin(), values.end());
    std::vector<double> sorted = seg.values;
    std::sort(sorted.begin(), sorted.end());
    const int64_t m = int64_t(sorted.size());
    long double within = 0.0L;
    for (int64_t k = 0; k < m; ++k) {
        within += (long double)(sorted[size_t(k)]) * (2 * k - m + 1);
    }
    seg.withinAll = double(within);
    seg.sortedUnique = sorted;
    seg.sortedUnique.erase(std::unique(seg.sortedUnique.begin(), seg.sortedUnique.end()),
                           seg.sortedUnique.end());
    const size_t u = seg.sortedUnique.size();
    seg.ranks.resize(seg.values.size());
    std::vector<int64_t> countPerRank(u, 0);
    std::vector<double> sumPerRank(u, 0.0);
    for (size_t i = 0; i < seg.values.size(); ++i) {
        const auto it = std::lower_bound(seg.sortedUnique.begin(), seg.sortedUnique.end(), seg.values[i]);
        const int r = int(it - seg.sortedUnique.begin());
        seg.ranks[i] = r;
        countPerRank[size_t(r)] += 1;
        sumPerRank[size_t(r)] += seg.values[i];
    }
    seg.allCountBelow.assign(u + 1, 0);
    seg.allSumBelow.assign(u + 1, 0.0);
    for (size_t r = 0; r < u; ++r) {
        seg.allCountBelow[r + 1] = seg.allCountBelow[r] + countPerRank[r];
        seg.allSumBelow[r + 1] = seg.allSumBelow[r] + sumPerRank[r];
        seg.allSum += sumPerRank[r];
    }
    return seg;
}

// One incremental pass: Q for every split of `order` (a permutation of the segment's indices, or
// identity). Returns the best split (first index of the right part) and its Q; fills `qOut`
// when given. Moving x from the right set R to the left set L changes
//   W_L += sum_{i in L} |x - x_i|,  W_R -= sum_{j in R} |x - x_j|,  C += that - this,
// and both sums come from one Fenwick query on L plus prefix sums of the whole segment.
std::pair<int, double> bestSplit(const RankedSegment &seg, const std::vector<double> &values,
                                 const std::vector<int> &ranks, int minSeg, RankFenwick &left,
                                 std::vector<double> *qOut)
{
    const int m = int(seg.values.size());
    left.reset(int(seg.sortedUnique.size()));
    double wl = 0.0;
    double wr = seg.withinAll;
    double cross = 0.0;
    int bestTau = -1;
    double bestQ = -std::numeric_limits<double>::infinity();
    for (int t = 0; t < m - 1; ++t) {
        const double x = values[size_t(t)];
        const int r = ranks[size_t(t)];
        int64_t lcBelow = 0;
        double lsBelow = 0.0;
        left.below(r, lcBelow, lsBelow);
        const int64_t lcAbove = left.totalCount() - lcBelow; // ranks >= r; equal ranks add 0
        const double lsAbove = left.totalSum() - lsBelow;
        const double dl = (double(lcBelow) * x - lsBelow) + (lsAbove - double(lcAbove) * x);
        const int64_t acBelow = seg.allCountBelow[size_t(r)];
        const double asBelow = seg.allSumBelow[size_t(r)];
        const int64_t rcBelow = acBelow - lcBelow;
        const double rsBelow = asBelow - lsBelow;
        const int64_t rcAbove = (int64_t(m) - acBelow) - lcAbove;
        const double rsAbove = (seg.allSum - asBelow) - lsAbove;
        const double dr = (double(rcBelow) * x - rsBelow) + (rsAbove - double(rcAbove) * x);
        wl += dl;
        wr -= dr;
        cross += dr - dl;
        left.add(r, x);
        const int nl = t + 1;
        const int nr = m - nl;
        if (nl < minSeg || nr < minSeg) {
            continue;
        }
        const double e = 2.0 * cross / (double(nl) * nr) - wl / (double(nl) * (nl - 1) / 2.0) -
                         wr / (double(nr) * (nr - 1) / 2.0);
        const double q = double(nl) * nr / double(m) * e;
        if (qOut) {
            (*qOut)[size_t(nl)] = q;
        }
        if (q > bestQ) {
            bestQ = q;
            bestTau = nl;
        }
    }
    return {bestTau, bestQ};
}

struct Segment
{
    int start = 0;
    int end = 0;  // exclusive
    int tau = -1; // absolute index of the best split, -1 if none possible
    double q = 0.0;
    bool done = false;
};

double relativeChange(double before, double after)
{
    if (before == 0.0) {
        return after == 0.0 ? 0.0 : std::numeric_limits<double>::quiet_NaN();
    }
    return (after - before) / std::abs(before);
}

} // namespace

QString ChangePointDetector::significanceName(Significance significance)
{
    switch (significance) {
    case Significance::Permutation:
        return QStringLiteral("permutation");
    case Significance::TTest:
        return QStringLiteral("welch-t-test");
    }
    return QString();
}

std::vector<double> ChangePointDetector::qStatistics(std::span<const double> values, int minSegmentSize)
{
    std::vector<double> q(values.size() + 1, 0.0);
    if (values.size() < 2) {
        return q;
    }
    const RankedSegment seg = rankSegment(values);
    RankFenwick left;
    bestSplit(seg, seg.values, seg.ranks, std::max(2, minSegmentSize), left, &q);
    return q;
}

ChangePointDetector::Result ChangePointDetector::detect(std::span<const double> values,
                                                        const Options &options)
{
    Result result;
    result.test = options.significance;
    const int n = int(values.size());
    const int minSeg = std::max(2, options.minSegmentSize);
    if (n < 2 * minSeg) {
        return result;
    }
    const double noiseScale = options.minEffectSize > 0.0 ? Statistics::robustScale(values) : 0.0;
    std::mt19937_64 rng(options.seed);
    RankFenwick fenwick;

    auto evaluate = [&](Segment &s) {
        s.tau = -1;
        if (s.end - s.start < 2 * minSeg) {
            s.done = true;
            return;
        }
        const RankedSegment seg = rankSegment(values.subspan(size_t(s.start), size_t(s.end - s.start)));
        const auto [tau, q] = bestSplit(seg, seg.values, seg.ranks, minSeg, fenwick, nullptr);
        s.tau = tau < 0 ? -1 : s.start + tau;
        s.q = q;
        s.done = tau < 0;
    };

    // Significance of the best split of a segment. Returns the p-value, or a value > maxPValue as
    // soon as significance is impossible (the permutation test stops early).
    auto significance = [&](const Segment &s) -> double {
        const auto left = values.subspan(size_t(s.start), size_t(s.tau - s.start));
        const auto right = values.subspan(size_t(s.tau), size_t(s.end - s.tau));
        if (options.significance == Significance::TTest) {
            return Statistics::welch(left, right).pValue;
        }
        const RankedSegment seg = rankSegment(values.subspan(size_t(s.start), size_t(s.end - s.start)));
        // Shuffle (value, rank) pairs together and copy them out so each pass reads memory in order.
        std::vector<std::pair<double, int>> pairs(seg.values.size());
        for (size_t i = 0; i < pairs.size(); ++i) {
            pairs[i] = {seg.values[i], seg.ranks[i]};
        }
        std::vector<double> permValues(pairs.size());
        std::vector<int> permRanks(pairs.size());
        const int perms = std::max(1, options.permutations);
        // p = (1 + exceed) / (perms + 1) <= maxP  <=>  exceed <= maxP * (perms + 1) - 1
        const double allowed = options.maxPValue * (perms + 1) - 1.0;
        int exceed = 0;
        int run = 0;
        for (; run < perms; ++run) {
            std::shuffle(pairs.begin(), pairs.end(), rng);
            for (size_t i = 0; i < pairs.size(); ++i) {
                permValues[i] = pairs[i].first;
                permRanks[i] = pairs[i].second;
            }
            const auto [tau, q] = bestSplit(seg, permValues, permRanks, minSeg, fenwick, nullptr);
            Q_UNUSED(tau);
            if (q >= s.q) {
                ++exceed;
                if (double(exceed) > allowed) {
                    ++run;
                    break;
                }
            }
        }
        result.permutationsRun += run;
        if (run < perms) {
            // Stopped early: the exact p-value is unknown but certainly above the threshold.
            return std::max(double(1 + exceed) / double(run + 1), std::nextafter(options.maxPValue, 1.0));
        }
        return double(1 + exceed) / double(perms + 1);
    };

    auto magnitudeOk = [&](double before, double after) {
        if (options.minRelativeMagnitude > 0.0) {
            const double rel = relativeChange(before, after);
            if (std::isfinite(rel) && std::abs(rel) < options.minRelativeMagnitude) {
                return false;
            }
        }
        if (options.minEffectSize > 0.0 && noiseScale > 0.0 &&
            std::abs(after - before) < options.minEffectSize * noiseScale) {
            return false;
        }
        return true;
    };

    std::vector<Segment> segments;
    segments.push_back({0, n});
    evaluate(segments.back());
    std::vector<ChangePoint> found;
    while (int(found.size()) < options.maxChangePoints) {
        // Test the open segment with the strongest split first (E-Divisive's hierarchical order).
        int pick = -1;
        for (size_t i = 0; i < segments.size(); ++i) {
            if (!segments[i].done && (pick < 0 || segments[i].q > segments[size_t(pick)].q)) {
                pick = int(i);
            }
        }
        if (pick < 0) {
            break;
        }
        Segment s = segments[size_t(pick)];
        const auto left = values.subspan(size_t(s.start), size_t(s.tau - s.start));
        const auto right = values.subspan(size_t(s.tau), size_t(s.end - s.tau));
        const double before = Statistics::mean(left);
        const double after = Statistics::mean(right);
        if (!magnitudeOk(before, after)) {
            segments[size_t(pick)].done = true;
            continue;
        }
        const double p = significance(s);
        if (p > options.maxPValue) {
            segments[size_t(pick)].done = true;
            continue;
        }
        ChangePoint cp;
        cp.index = s.tau;
        cp.pValue = p;
        cp.confidence = 1.0 - p;
        cp.qStatistic = s.q;
        found.push_back(cp);
        Segment a{s.start, s.tau};
        Segment b{s.tau, s.end};
        evaluate(a);
        evaluate(b);
        segments[size_t(pick)] = a;
        segments.push_back(b);
    }

    std::sort(found.begin(), found.end(),
              [](const ChangePoint &x, const ChangePoint &y) { return x.index < y.index; });
    // Report each change against its neighbours (previous change .. next change) and drop the ones
    // that no longer clear the magnitude filter once their neighbours are known, weakest first.
    auto fill = [&](std::vector<ChangePoint> &cps) {
        for (size_t i = 0; i < cps.size(); ++i) {
            const int from = i == 0 ? 0 : cps[i - 1].index;
            const int to = i + 1 == cps.size() ? n : cps[i + 1].index;
            cps[i].beforeMean = Statistics::mean(values.subspan(size_t(from), size_t(cps[i].index - from)));
            cps[i].afterMean =
                Statistics::mean(values.subspan(size_t(cps[i].index), size_t(to - cps[i].index)));
            cps[i].relativeChange = relativeChange(cps[i].beforeMean, cps[i].afterMean);
            if (options.significance == Significance::TTest) {
                cps[i].pValue =
                    Statistics::welch(values.subspan(size_t(from), size_t(cps[i].index - from)),
                                      values.subspan(size_t(cps[i].index), size_t(to - cps[i].index)))
                        .pValue;
                cps[i].confidence = 1.0 - cps[i].pValue;
            }
        }
    };
    for (;;) {
        fill(found);
        int weakest = -1;
        double weakestSize = std::numeric_limits<double>::infinity();
        for (size_t i = 0; i < found.size(); ++i) {
            const bool fails =
                !magnitudeOk(found[i].beforeMean, found[i].afterMean) ||
                (options.significance == Significance::TTest && found[i].pValue > options.maxPValue);
            const double size = std::abs(found[i].afterMean - found[i].beforeMean);
            if (fails && size < weakestSize) {
                weakest = int(i);
                weakestSize = size;
            }
        }
        if (weakest < 0) {
            break;
        }
        found.erase(found.begin() + weakest);
    }
    result.changes = std::move(found);
    return result;
}

} // namespace accel
