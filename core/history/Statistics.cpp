#include "history/Statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace accel {

double Statistics::mean(std::span<const double> values)
{
    if (values.empty()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    long double sum = 0.0L;
    for (double v : values) {
        sum += v;
    }
    return double(sum / values.size());
}

double Statistics::variance(std::span<const double> values)
{
    if (values.size() < 2) {
        return 0.0;
    }
    const double m = mean(values);
    long double acc = 0.0L;
    for (double v : values) {
        acc += (v - m) * (v - m);
    }
    return double(acc / (values.size() - 1));
}

double Statistics::median(std::span<const double> values)
{
    if (values.empty()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    std::vector<double> copy(values.begin(), values.end());
    const size_t mid = copy.size() / 2;
    std::nth_element(copy.begin(), copy.begin() + mid, copy.end());
    const double upper = copy[mid];
    if (copy.size() % 2 == 1) {
        return upper;
    }
    const double lower = *std::max_element(copy.begin(), copy.begin() + mid);
    return (lower + upper) / 2.0;
}

double Statistics::mad(std::span<const double> values)
{
    if (values.empty()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const double med = median(values);
    std::vector<double> dev;
    dev.reserve(values.size());
    for (double v : values) {
        dev.push_back(std::abs(v - med));
    }
    return median(dev);
}

double Statistics::robustScale(std::span<const double> values)
{
    if (values.size() < 2) {
        return 0.0;
    }
    const double m = mad(values);
    if (m > 0.0) {
        return 1.4826 * m;
    }
    const double med = median(values);
    long double acc = 0.0L;
    for (double v : values) {
        acc += std::abs(v - med);
    }
    return 1.2533 * double(acc / values.size());
}

double Statistics::normalTwoSidedP(double z)
{
    return std::erfc(std::abs(z) / std::sqrt(2.0));
}

namespace {

// Continued fraction for the incomplete beta function (modified Lentz's method).
double betaContinuedFraction(double a, double b, double x)
{
    constexpr int maxIterations = 300;
    constexpr double eps = 1e-15;
    constexpr double tiny = 1e-300;
    const double qab = a + b;
    const double qap = a + 1.0;
    const double qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 - qab * x / qap;
    if (std::abs(d) < tiny) {
        d = tiny;
    }
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= maxIterations; ++m) {
        const int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (std::abs(d) < tiny) {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if (std::abs(c) < tiny) {
            c = tiny;
        }
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (std::abs(d) < tiny) {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if (std::abs(c) < tiny) {
            c = tiny;
        }
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::abs(del - 1.0) < eps) {
            break;
        }
    }
    return h;
}

} // namespace

double Statistics::incompleteBeta(double a, double b, double x)
{
    if (x <= 0.0) {
        return 0.0;
    }
    if (x >= 1.0) {
        return 1.0;
    }
    const double lnFront =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    const double front = std::exp(lnFront);
    if (x < (a + 1.0) / (a + b + 2.0)) {
        return front * betaContinuedFraction(a, b, x) / a;
    }
    return 1.0 - front * betaContinuedFraction(b, a, 1.0 - x) / b;
}

double Statistics::studentTwoSidedP(double t, double df)
{
    if (!std::isfinite(t)) {
        return std::isnan(t) ? 1.0 : 0.0;
    }
    if (df <= 0.0) {
        return 1.0;
    }
    const double x = df / (df + t * t);
    return std::clamp(incompleteBeta(df / 2.0, 0.5, x), 0.0, 1.0);
}

Statistics::TTest Statistics::welch(std::span<const double> a, std::span<const double> b)
{
    TTest result;
    if (a.size() < 2 || b.size() < 2) {
        return result;
    }
    const double ma = mean(a);
    const double mb = mean(b);
    const double va = variance(a) / a.size();
    const double vb = variance(b) / b.size();
    const double se2 = va + vb;
    if (se2 <= 0.0) {
        // Both samples constant: any difference is certain, no difference is no evidence.
        result.t = ma == mb ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), mb - ma);
        result.df = double(a.size() + b.size() - 2);
        result.pValue = ma == mb ? 1.0 : 0.0;
        return result;
    }
    result.t = (mb - ma) / std::sqrt(se2);
    const double denom = va * va / (a.size() - 1) + vb * vb / (b.size() - 1);
    result.df = denom > 0.0 ? se2 * se2 / denom : double(a.size() + b.size() - 2);
    result.pValue = studentTwoSidedP(result.t, result.df);
    return result;
}

double Statistics::mannWhitneyP(std::span<const double> a, std::span<const double> b)
{
    const size_t n1 = a.size();
    const size_t n2 = b.size();
    if (n1 == 0 || n2 == 0) {
        return 1.0;
    }
    std::vector<std::pair<double, int>> all;
    all.reserve(n1 + n2);
    for (double v : a) {
        all.emplace_back(v, 0);
    }
    for (double v : b) {
        all.emplace_back(v, 1);
    }
    std::sort(all.begin(), all.end());
    const double n = double(n1 + n2);
    double rankSumA = 0.0;
    double tieTerm = 0.0;
    for (size_t i = 0; i < all.size();) {
        size_t j = i;
        while (j < all.size() && all[j].first == all[i].first) {
            ++j;
        }
        const double avgRank = (double(i) + double(j - 1)) / 2.0 + 1.0;
        const double t = double(j - i);
        tieTerm += t * t * t - t;
        for (size_t k = i; k < j; ++k) {
            if (all[k].second == 0) {
                rankSumA += avgRank;
            }
        }
        i = j;
    }
    const double u = rankSumA - double(n1) * (n1 + 1) / 2.0;
    const double mu = double(n1) * n2 / 2.0;
    const double sigma2 = double(n1) * n2 / 12.0 * ((n + 1.0) - tieTerm / (n * (n - 1.0)));
    if (sigma2 <= 0.0) {
        return 1.0;
    }
    const double diff = std::abs(u - mu) - 0.5; // continuity correction
    return normalTwoSidedP(std::max(diff, 0.0) / std::sqrt(sigma2));
}

} // namespace accel
