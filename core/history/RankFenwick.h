#pragma once

#include <cstdint>
#include <vector>

namespace accel {

/// Fenwick tree over ranks 0..size-1 that keeps a count and a sum per rank. Used for the
/// O(n log n) energy statistics and the Mann-Kendall S statistic.
class RankFenwick
{
public:
    explicit RankFenwick(int size = 0) { reset(size); }
    void reset(int size);
    void add(int rank, double value);
    /// Count and sum of all entries with rank < `rank`.
    void below(int rank, int64_t &count, double &sum) const;
    int64_t totalCount() const { return m_totalCount; }
    double totalSum() const { return m_totalSum; }

private:
    // Count and sum of a node side by side: one cache line per tree level.
    struct Node
    {
        int64_t count = 0;
        double sum = 0.0;
    };
    std::vector<Node> m_nodes;
    int64_t m_totalCount = 0;
    double m_totalSum = 0.0;
};

} // namespace accel
