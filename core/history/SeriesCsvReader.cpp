#include "history/SeriesCsvReader.h"

#include <QDateTime>
#include <QFile>
#include <QTimeZone>

#include <cmath>

namespace accel {

namespace {

QByteArray unquote(QByteArray field)
{
    field = field.trimmed();
    if (field.size() >= 2 && field.startsWith('"') && field.endsWith('"')) {
        field = field.mid(1, field.size() - 2).trimmed();
    }
    return field;
}

bool parseNumber(const QByteArray &field, double *out)
{
    if (field.isEmpty()) {
        return false;
    }
    bool ok = false;
    const double v = field.toDouble(&ok); // C locale, whole field must parse
    if (!ok) {
        return false;
    }
    *out = v;
    return true;
}

QString shown(const QByteArray &field)
{
    QString s = QString::fromUtf8(field.left(40));
    if (field.size() > 40) {
        s += QStringLiteral("...");
    }
    return s;
}

} // namespace

bool SeriesCsvReader::parseTimestamp(const QByteArray &field, qint64 *epochMs)
{
    double number = 0.0;
    if (parseNumber(field, &number)) {
        if (!std::isfinite(number) || number < 0.0 || number > 1e16) {
            return false;
        }
        *epochMs = number >= 1e11 ? qint64(std::llround(number)) : qint64(std::llround(number * 1000.0));
        return true;
    }
    const QString text = QString::fromUtf8(field);
    QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dt.isValid()) {
        // Also accept a space instead of the 'T' ("2024-05-01 12:00:00").
        QString withT = text;
        if (withT.size() > 10 && withT.at(10) == QLatin1Char(' ')) {
            withT[10] = QLatin1Char('T');
            dt = QDateTime::fromString(withT, Qt::ISODateWithMs);
        }
    }
    if (!dt.isValid()) {
        return false;
    }
    if (dt.timeSpec() == Qt::LocalTime) {
        dt.setTimeZone(QTimeZone::utc()); // no zone given: UTC, never the machine's zone
    }
    *epochMs = dt.toMSecsSinceEpoch();
    return true;
}

SeriesCsvReader::Result SeriesCsvReader::parse(const QByteArray &data)
{
    Result r;
    auto fail = [&r](int line, const QString &message) {
        r.ok = false;
        r.errorLine = line;
        r.error = line > 0 ? QStringLiteral("line %1: %2").arg(line).arg(message) : message;
        r.series = Series();
        return r;
    };
    if (data.size() > maxBytes) {
        return fail(0, QStringLiteral("input is larger than %1 bytes").arg(maxBytes));
    }
    int columns = 0; // decided by the first data row: 1 (value) or 2 (timestamp,value)
    bool sawFirstContentLine = false;
    int lineNo = 0;
    qsizetype pos = 0;
    if (data.startsWith("\xEF\xBB\xBF")) {
        pos = 3;
    }
    while (pos < data.size()) {
        qsizetype end = data.indexOf('\n', pos);
        if (end < 0) {
            end = data.size();
        }
        ++lineNo;
        QByteArray line = data.mid(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r')) {
            line.chop(1);
        }
        if (line.size() > maxLineLength) {
            return fail(lineNo, QStringLiteral("line is longer than %1 characters").arg(maxLineLength));
        }
        const QByteArray trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith('#')) {
            continue;
        }
        if (line.contains('\0')) {
            return fail(lineNo, QStringLiteral("binary data (NUL byte)"));
        }
        const QList<QByteArray> rawFields = trimmed.split(',');
        QList<QByteArray> fields;
        for (const QByteArray &f : rawFields) {
            fields << unquote(f);
        }
        const bool firstLine = !sawFirstContentLine;
        sawFirstContentLine = true;
        if (fields.size() > 2) {
            return fail(
                lineNo,
                QStringLiteral("expected 'timestamp,value' or 'value', found %1 fields").arg(fields.size()));
        }
        const QByteArray &valueField = fields.last();
        double value = 0.0;
        const bool valueIsNumber = parseNumber(valueField, &value);
        if (firstLine && !valueIsNumber) {
            // A header: every field must be a plain name, not a damaged number.
            bool looksLikeHeader = true;
            for (const QByteArray &f : fields) {
                double ignored = 0.0;
                if (f.isEmpty() || parseNumber(f, &ignored) || !QChar::isLetter(uchar(f.at(0)))) {
                    looksLikeHeader = false;
                }
            }
            if (looksLikeHeader) {
                continue;
            }
        }
        if (columns == 0) {
            columns = int(fields.size());
        } else if (fields.size() != columns) {
            return fail(lineNo, QStringLiteral("expected %1 field(s) like the first row, found %2")
                                    .arg(columns)
                                    .arg(fields.size()));
        }
        if (!valueIsNumber) {
            return fail(lineNo, QStringLiteral("value '%1' is not a number").arg(shown(valueField)));
        }
        if (!std::isfinite(value)) {
            return fail(lineNo, QStringLiteral("value '%1' is not finite (NaN and infinity are rejected)")
                                    .arg(shown(valueField)));
        }
        if (columns == 2) {
            qint64 ts = 0;
            if (!parseTimestamp(fields.first(), &ts)) {
                return fail(lineNo, QStringLiteral(
                                        "timestamp '%1' is neither ISO 8601 nor epoch seconds/milliseconds")
                                        .arg(shown(fields.first())));
            }
            if (!r.series.timestampsMs.empty() && ts < r.series.timestampsMs.back()) {
                return fail(lineNo, QStringLiteral("timestamp '%1' is earlier than the previous row")
                                        .arg(shown(fields.first())));
            }
            r.series.timestampsMs.push_back(ts);
        }
        if (int(r.series.values.size()) >= maxRows) {
            return fail(lineNo, QStringLiteral("more than %1 rows").arg(maxRows));
        }
        r.series.values.push_back(value);
    }
    if (r.series.values.empty()) {
        return fail(0, QStringLiteral("no data rows"));
    }
    r.ok = true;
    return r;
}

SeriesCsvReader::Result SeriesCsvReader::read(QIODevice *device)
{
    Result r;
    if (!device || !device->isReadable()) {
        r.error = QStringLiteral("input is not readable");
        return r;
    }
    const QByteArray data = device->read(maxBytes + 1);
    if (data.size() > maxBytes) {
        r.error = QStringLiteral("input is larger than %1 bytes").arg(maxBytes);
        return r;
    }
    return parse(data);
}

SeriesCsvReader::Result SeriesCsvReader::readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        Result r;
        r.error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return r;
    }
    return read(&file);
}

} // namespace accel
