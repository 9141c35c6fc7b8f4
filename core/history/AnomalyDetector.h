#pragma once

#include <QString>

#include <span>
#include <vector>

namespace accel {

/// One point that does not fit its neighbourhood. Anomalies are judged inside the segments that
/// change-point detection found, so a regression (a lasting shift) does not turn every later point
/// into an anomaly, and a single spike never counts as a regression.
struct Anomaly
{
    enum Method : int {
        RobustZ = 1, ///< |value - median| / robust sigma of its segment
        Ewma = 2,    ///< deviation from the exponentially weighted mean of the preceding points
    };
    int index = -1;
    double value = 0.0;
    /// The value the detector expected (segment median or EWMA).
    double expected = 0.0;
    /// Deviation in robust standard deviations (largest over the methods that flagged it).
    double score = 0.0;
    int methods = 0; ///< OR of Method
};

class AnomalyDetector
{
public:
    struct Options
    {
        /// Iglewicz-Hoaglin: |modified z| > 3.5 is an outlier.
        double robustZThreshold = 3.5;
        /// Points must also lie beyond Tukey's fences at this many IQRs from the quartiles.
        double fenceIqr = 3.0;
        double ewmaLambda = 0.3;
        double ewmaThreshold = 4.0;
        /// Points an EWMA needs before it judges.
        int ewmaWarmup = 5;
        /// Segments shorter than this are not judged (too little to know what is normal).
        int minSegmentPoints = 8;
    };

    /// `segmentStarts`: indices where a new regime begins (change points), sorted; may be empty.
    static std::vector<Anomaly> detect(std::span<const double> values, std::span<const int> segmentStarts,
                                       const Options &options);
    static std::vector<Anomaly> detect(std::span<const double> values,
                                       std::span<const int> segmentStarts = {})
    {
        return detect(values, segmentStarts, Options());
    }
    static QString methodNames(int methods);
};

} // namespace accel
