#pragma once

#include <QByteArray>
#include <QString>

#include <vector>

class QIODevice;

namespace accel {

/// A series read from a file: values in order, with epoch-millisecond timestamps when the file
/// had a timestamp column.
struct Series
{
    std::vector<double> values;
    std::vector<qint64> timestampsMs; ///< empty, or one per value
    bool hasTimestamps() const { return !timestampsMs.empty(); }
};

/// Reads `timestamp,value` rows or one value per row. A header row is optional; blank lines and
/// lines starting with '#' are skipped. Timestamps are ISO 8601 (no zone = UTC) or epoch
/// seconds / milliseconds (a number >= 1e11 is taken as milliseconds). Values must be finite
/// numbers; NaN, inf and garbage are rejected with the line number. Timestamps must not go
/// backwards.
class SeriesCsvReader
{
public:
    static constexpr qint64 maxBytes = 512LL * 1024 * 1024;
    static constexpr int maxRows = 10'000'000;
    static constexpr int maxLineLength = 4096;

    struct Result
    {
        bool ok = false;
        Series series;
        /// First error with its 1-based line number ("line 7: value 'abc' is not a number").
        QString error;
        int errorLine = 0;
    };

    static Result read(QIODevice *device);
    static Result parse(const QByteArray &data);
    static Result readFile(const QString &path);

    /// Parses one timestamp field; false when it is neither ISO 8601 nor an epoch number.
    static bool parseTimestamp(const QByteArray &field, qint64 *epochMs);
};

} // namespace accel
