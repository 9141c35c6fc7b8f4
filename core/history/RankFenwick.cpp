#include "history/RankFenwick.h"

#include <cstddef>

namespace accel {

void RankFenwick::reset(int size)
{
    m_nodes.assign(std::size_t(size) + 1, Node());
    m_totalCount = 0;
    m_totalSum = 0.0;
}

void RankFenwick::add(int rank, double value)
{
    const std::size_t n = m_nodes.size();
    for (std::size_t i = std::size_t(rank) + 1; i < n; i += i & (~i + 1)) {
        m_nodes[i].count += 1;
        m_nodes[i].sum += value;
    }
    m_totalCount += 1;
    m_totalSum += value;
}

void RankFenwick::below(int rank, int64_t &count, double &sum) const
{
    count = 0;
    sum = 0.0;
    for (std::size_t i = std::size_t(rank); i > 0; i -= i & (~i + 1)) {
        count += m_nodes[i].count;
        sum += m_nodes[i].sum;
    }
}

} // namespace accel
