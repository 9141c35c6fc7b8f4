#include "model/TokenIds.h"

#include <QRegularExpression>

namespace accel {

TokenIds TokenIds::parse(const QString &input, int vocabSize, int maxTokens)
{
    TokenIds r;
    r.vocabSize = vocabSize;
    r.maxTokens = maxTokens;
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    const QStringList parts = input.split(separators, Qt::SkipEmptyParts);
    r.count = int(parts.size());
    if (parts.isEmpty()) {
        r.error = Error::Empty;
        return r;
    }
    if (maxTokens > 0 && parts.size() > maxTokens) {
        r.error = Error::TooMany;
        return r;
    }
    r.ids.reserve(std::size_t(parts.size()));
    for (qsizetype i = 0; i < parts.size(); ++i) {
        bool ok = false;
        // qlonglong so that "99999999999" is reported as out of range, not as "not a number".
        const qlonglong v = parts.at(i).toLongLong(&ok, 10);
        if (!ok) {
            r.error = Error::NotANumber;
            r.index = int(i);
            r.text = parts.at(i).left(32);
            r.ids.clear();
            return r;
        }
        if (v < 0 || v >= vocabSize) {
            r.error = Error::OutOfRange;
            r.index = int(i);
            r.value = v;
            r.ids.clear();
            return r;
        }
        r.ids.push_back(int(v));
    }
    r.error = Error::None;
    return r;
}

QString TokenIds::errorString() const
{
    switch (error) {
    case Error::None:
        return {};
    case Error::Empty:
        return QStringLiteral("no token ids");
    case Error::NotANumber:
        return QStringLiteral("token %1 ('%2') is not a number").arg(index + 1).arg(text);
    case Error::OutOfRange:
        return QStringLiteral("token %1 (%2) is outside the vocabulary 0..%3")
            .arg(index + 1)
            .arg(value)
            .arg(vocabSize - 1);
    case Error::TooMany:
        return QStringLiteral("%1 tokens, the model takes at most %2").arg(count).arg(maxTokens);
    }
    return {};
}

} // namespace accel
