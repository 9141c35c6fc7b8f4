#pragma once

#include <QString>

#include <vector>

namespace accel {

/// Token ids typed by an operator ("464, 2068 7586"): comma and/or whitespace separated decimal
/// integers, each in [0, vocabSize), at most maxTokens of them (the model's position count).
/// Pure: no I/O, usable on any thread. The UI turns the error into translated text.
struct TokenIds
{
    enum class Error {
        None = 1,
        Empty,      ///< nothing but separators
        NotANumber, ///< `text` at `index` is not a decimal integer
        OutOfRange, ///< `value` at `index` is negative or >= vocabSize
        TooMany,    ///< `count` ids, more than maxTokens
    };

    std::vector<int> ids; ///< valid only when error == None
    Error error = Error::Empty;
    int index = -1;    ///< 0-based position of the offending id
    QString text;      ///< the offending text (NotANumber)
    qint64 value = 0;  ///< the offending value (OutOfRange)
    int count = 0;     ///< ids found (TooMany)
    int vocabSize = 0; ///< the limits the ids were checked against
    int maxTokens = 0;

    bool isValid() const { return error == Error::None; }

    static TokenIds parse(const QString &input, int vocabSize, int maxTokens);
    /// English description of the error (logs, command line); empty when valid.
    QString errorString() const;
};

} // namespace accel
